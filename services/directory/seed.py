"""Demo data for `make run`: the demo files imported like the real ones."""

from __future__ import annotations

import logging

from chassis.outbox import notify
from services.directory.demo import finess_file, rpps_file
from services.directory.documents import Correspondent
from services.directory.importing.importer import import_file

log = logging.getLogger(__name__)


def seed() -> bool:
    if Correspondent.objects.count():
        return False
    people = import_file("rpps", rpps_file(), source="demo RPPS extraction")
    places = import_file("finess", finess_file(), source="demo FINESS extraction")
    notify("directory")
    log.info(
        "directory demo data seeded",
        extra={"practitioners": people.inserted, "structures": places.inserted},
    )
    return True
