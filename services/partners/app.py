"""The partners service's HTTP app (operators manage subscriptions here)."""

from __future__ import annotations

from chassis.app import create_service_app
from chassis.config import ServiceConfig
from chassis.db import open_database
from services.partners import __doc__ as package_doc
from services.partners.api import blp
from services.partners.documents import DOCUMENTS
from services.partners.handlers import PartnerSettings


def create_app(config: ServiceConfig | None = None):
    config = config or ServiceConfig.from_env("partners")
    open_database(config, DOCUMENTS)
    app = create_service_app(
        config, title="Relais partners", blueprints=[blp], description=package_doc
    )
    app.extensions["relais_partners"] = PartnerSettings(config.bus, dict(config.extra))
    return app
