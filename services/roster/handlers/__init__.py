"""Roster use cases: the only code that writes roster documents, one module per noun.

``sites``, ``doctors``, ``offers``, ``rota`` (assign, confirm, release,
complete), ``weeks`` (a doctor-week's settings, logistics, handover note) and
``gaps``.  Each rule that two concurrent requests could race on is decided by
one atomic database operation, and the events announcing a change ride in the
same single-document write (outbox).  Everything is importable from
``services.roster.handlers`` as before the split.
"""

from services.roster.handlers.common import _get, today
from services.roster.handlers.doctors import record_correspondents, register_doctor, rpps_known
from services.roster.handlers.gaps import announce_gaps, announce_upcoming_gaps
from services.roster.handlers.offers import offer_weeks, withdraw_offer
from services.roster.handlers.rota import assign, complete, confirm, release
from services.roster.handlers.sites import register_site, update_site
from services.roster.handlers.weeks import (
    handover_for,
    on_duty,
    set_logistics,
    update_settings,
    write_handover,
)

__all__ = [
    "_get",
    "announce_gaps",
    "announce_upcoming_gaps",
    "assign",
    "complete",
    "confirm",
    "handover_for",
    "offer_weeks",
    "on_duty",
    "record_correspondents",
    "register_doctor",
    "register_site",
    "release",
    "rpps_known",
    "set_logistics",
    "today",
    "update_settings",
    "update_site",
    "withdraw_offer",
    "write_handover",
]
