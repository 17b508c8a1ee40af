"""Every event type Relais publishes, in one registry."""

from __future__ import annotations

from functools import cache

from contracts import booking, directory, records, roster
from contracts.registry import Registry


@cache
def catalog() -> Registry:
    return Registry([*booking.EVENTS, *roster.EVENTS, *records.EVENTS, *directory.EVENTS])
