"""The booking worker: slots from the rota, completion from records, reminders, offers,
and registrations a stopped process left half done."""

from __future__ import annotations

from chassis.config import ServiceConfig
from chassis.db import open_database
from chassis.worker import ServiceWorker
from services.booking.documents import DOCUMENTS, OUTBOX_DOCUMENTS
from services.booking.handlers import patients, reminders, waitlist, weeks

# What booking consumes, readable in one place: routing key -> handler.
SUBSCRIPTIONS = {
    "roster.week.confirmed.v1": weeks.apply_week,
    "roster.week.updated.v1": weeks.apply_week,
    "roster.week.released.v1": weeks.release_week,
    "records.consultation.closed.v1": weeks.consultation_closed,
}


def build_worker(config: ServiceConfig | None = None) -> ServiceWorker:
    config = config or ServiceConfig.from_env("booking")
    open_database(config, DOCUMENTS)
    every = float(config.setting("BOOKING_REMINDER_SCAN_SECONDS", "300"))
    return ServiceWorker(
        config,
        handlers=SUBSCRIPTIONS,
        outbox_documents=OUTBOX_DOCUMENTS,
        periodic=[
            (every, reminders.send_due_reminders),
            (60.0, waitlist.expire_offers),
            (60.0, patients.finish_registrations),
        ],
    )
