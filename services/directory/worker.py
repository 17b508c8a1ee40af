"""The directory worker: site locations from the roster, and its outbox relay."""

from __future__ import annotations

from chassis.config import ServiceConfig
from chassis.db import open_database
from chassis.worker import ServiceWorker
from services.directory import handlers
from services.directory.documents import DOCUMENTS, OUTBOX_DOCUMENTS

# What the directory consumes, readable in one place: routing key -> handler.
SUBSCRIPTIONS = {
    "roster.week.confirmed.v1": handlers.site_changed,
}


def build_worker(config: ServiceConfig | None = None) -> ServiceWorker:
    config = config or ServiceConfig.from_env("directory")
    open_database(config, DOCUMENTS)
    return ServiceWorker(config, handlers=SUBSCRIPTIONS, outbox_documents=OUTBOX_DOCUMENTS)
