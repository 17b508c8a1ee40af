"""The roster service's HTTP app (one per process; nothing built at import time)."""

from __future__ import annotations

from chassis.app import create_service_app
from chassis.config import ServiceConfig
from chassis.db import open_database
from services.roster import __doc__ as package_doc
from services.roster.api import blp
from services.roster.documents import DOCUMENTS
from services.roster.plans_api import blp as planner_blp


def create_app(config: ServiceConfig | None = None):
    config = config or ServiceConfig.from_env("roster")
    open_database(config, DOCUMENTS)
    return create_service_app(
        config, title="Relais roster", blueprints=[blp, planner_blp], description=package_doc
    )
