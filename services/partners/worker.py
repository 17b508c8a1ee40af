"""The partners worker: every public event, pseudonymised, to each subscribed partner."""

from __future__ import annotations

from chassis.config import ServiceConfig
from chassis.db import open_database
from chassis.worker import ServiceWorker
from contracts.catalog import catalog
from services.partners.documents import DOCUMENTS
from services.partners.handlers import FanOut, PartnerSettings


def build_worker(config: ServiceConfig | None = None) -> ServiceWorker:
    config = config or ServiceConfig.from_env("partners")
    open_database(config, DOCUMENTS)
    fan_out = FanOut(PartnerSettings(config.bus, dict(config.extra)))
    # what the partners service consumes, readable in one place: every public event
    subscriptions = {event_type.type: fan_out for event_type in catalog().public()}
    return ServiceWorker(config, handlers=subscriptions, outbox_documents=[])
