"""The directory service's HTTP app (one per process; nothing built at import time)."""

from __future__ import annotations

from chassis.app import create_service_app
from chassis.config import ServiceConfig
from chassis.db import open_database
from services.directory import __doc__ as package_doc
from services.directory.api import blp
from services.directory.documents import DOCUMENTS


def create_app(config: ServiceConfig | None = None):
    config = config or ServiceConfig.from_env("directory")
    open_database(config, DOCUMENTS)
    app = create_service_app(
        config, title="Relais directory", blueprints=[blp], description=package_doc
    )
    return app
