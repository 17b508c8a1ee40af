"""The records worker: records from booking, duty weeks from the roster, the outbox relay."""

from __future__ import annotations

from chassis.config import ServiceConfig
from chassis.db import open_database
from chassis.worker import ServiceWorker
from services.records import handlers
from services.records.documents import DOCUMENTS, OUTBOX_DOCUMENTS

APPOINTMENT_VERBS = ("booked", "moved", "cancelled", "completed", "no_show", "affected")

# What records consumes, readable in one place: routing key -> handler.
SUBSCRIPTIONS = {
    "booking.patient.registered.v1": handlers.patient_registered,
    "booking.patient.registered.v2": handlers.patient_registered,
    "booking.patient.validated.v1": handlers.patient_validated,
    "booking.patient.merged.v1": handlers.identity_linked,
    "booking.patient.unmerged.v1": handlers.identity_linked,
    **{
        f"booking.appointment.{verb}.v1": handlers.appointment_changed for verb in APPOINTMENT_VERBS
    },
    "roster.week.confirmed.v1": handlers.duty_changed,
    "roster.week.updated.v1": handlers.duty_changed,
    "roster.week.released.v1": handlers.duty_changed,
}


def build_worker(config: ServiceConfig | None = None) -> ServiceWorker:
    config = config or ServiceConfig.from_env("records")
    open_database(config, DOCUMENTS)
    return ServiceWorker(config, handlers=SUBSCRIPTIONS, outbox_documents=OUTBOX_DOCUMENTS)
