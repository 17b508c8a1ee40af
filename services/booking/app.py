"""The booking service's HTTP app (one per process; nothing built at import time)."""

from __future__ import annotations

from chassis.app import create_service_app
from chassis.config import ServiceConfig
from chassis.db import open_database
from chassis.idempotent_requests import IdempotencyStore
from services.booking import __doc__ as package_doc
from services.booking.api import blp
from services.booking.code_sender import CodeSender, sender_from
from services.booking.documents import DOCUMENTS


def create_app(config: ServiceConfig | None = None, code_sender: CodeSender | None = None):
    """``code_sender``: where sign-in codes go (by default from ``SMTP_URL``)."""
    config = config or ServiceConfig.from_env("booking")
    database = open_database(config, DOCUMENTS)
    app = create_service_app(
        config, title="Relais booking", blueprints=[blp], description=package_doc
    )
    app.extensions["relais_idempotency"] = IdempotencyStore(database)
    app.extensions["relais_code_sender"] = code_sender or sender_from(config)
    return app
