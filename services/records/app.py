"""The records service's HTTP app (one per process; nothing built at import time)."""

from __future__ import annotations

from chassis.app import create_service_app
from chassis.config import ServiceConfig
from chassis.db import open_database
from services.records import __doc__ as package_doc
from services.records import clock as clocks
from services.records.api import blp
from services.records.documents import DOCUMENTS


def create_app(config: ServiceConfig | None = None, clock: clocks.SystemClock | None = None):
    """``clock``: where "now" and "this week" come from (the system's by default)."""
    config = config or ServiceConfig.from_env("records")
    open_database(config, DOCUMENTS)
    app = create_service_app(
        config, title="Relais records", blueprints=[blp], description=package_doc
    )
    clocks.install(app, clock)
    return app
