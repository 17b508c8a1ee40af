"""The roster's worker process: its event consumer, its outbox relay, gap announcements."""

from __future__ import annotations

from chassis.config import ServiceConfig
from chassis.db import open_database
from chassis.worker import ServiceWorker
from services.roster import handlers, plans
from services.roster.documents import DOCUMENTS, OUTBOX_DOCUMENTS

# What the roster consumes, readable in one place: routing key -> handler.
SUBSCRIPTIONS = {
    "directory.correspondent.updated.v1": handlers.record_correspondents,
}


def build_worker(config: ServiceConfig | None = None) -> ServiceWorker:
    config = config or ServiceConfig.from_env("roster")
    open_database(config, DOCUMENTS)
    every = float(config.setting("ROSTER_GAP_SCAN_SECONDS", "3600"))
    plan_poll = float(config.setting("ROSTER_PLAN_POLL_SECONDS", "1"))
    return ServiceWorker(
        config,
        handlers=SUBSCRIPTIONS,
        outbox_documents=OUTBOX_DOCUMENTS,
        periodic=[
            (every, handlers.announce_upcoming_gaps),
            (plan_poll, plans.run_queued_plans),  # the planner runs here, not in web requests
        ],
    )
