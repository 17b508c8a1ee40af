"""Where the records service reads "now" and "this week".

The care relationship follows the rota week (a doctor's access ends with it),
so time comes from one clock per app, given to ``create_app(clock=...)``.
Tests move a :class:`ShiftedClock` instead of sleeping.  Outside an app (the
worker, the seed) the system clock is used.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context

from contracts.weeks import IsoWeek

PARIS = ZoneInfo("Europe/Paris")
KEY = "records.clock"


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock(SystemClock):
    """Real time moved by an offset: still ticking, so entries keep their order."""

    def __init__(self, offset: timedelta = timedelta()):
        self.offset = offset

    def now(self) -> datetime:
        return super().now() + self.offset

    def travel(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


SYSTEM = SystemClock()


def install(app: Flask, clock: SystemClock | None = None) -> None:
    app.extensions[KEY] = clock or SYSTEM


def clock() -> SystemClock:
    return current_app.extensions.get(KEY, SYSTEM) if has_app_context() else SYSTEM


def now() -> datetime:
    return clock().now()


def today() -> date:
    """Today in France, where the centres are."""
    return now().astimezone(PARIS).date()


def this_week() -> str:
    return str(IsoWeek.of(today()))
