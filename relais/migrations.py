"""Data migrations run by the `relais` command, each service's on its own database."""

from __future__ import annotations

from collections.abc import Mapping

from chassis.config import ServiceConfig
from chassis.db import open_database


def migrate_identities(environ: Mapping | None = None) -> dict[str, dict]:
    """Booking's patients, then records' records, to identities (idempotent)."""
    from services.booking.documents import DOCUMENTS as BOOKING
    from services.booking.handlers import identity_migration as booking
    from services.records import identity_migration as records
    from services.records.documents import DOCUMENTS as RECORDS

    open_database(ServiceConfig.from_env("booking", environ), BOOKING)
    done = {"booking": booking.migrate()}
    open_database(ServiceConfig.from_env("records", environ), RECORDS)
    done["records"] = records.migrate()
    return done
