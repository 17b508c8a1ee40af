"""Dates as every API takes them: ``YYYY-MM-DD`` exactly, and within bounds.

A date outside 1900 to 2100 is nobody's birth date, appointment or screening, and
near the ends of the calendar a week or a day further (an agenda's next day, a
week's Sunday) does not exist: such dates are a 422 at the edge, never a 500
deep inside.  Fields about the running of a centre (slots, agenda days,
offers) are held closer: today ± 3 years (``near=True``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from marshmallow import ValidationError, fields

EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
NEAR_YEARS = 3
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def near_bounds(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    span = timedelta(days=365 * NEAR_YEARS + 1)
    return today - span, today + span


def midnight(day: date) -> datetime:
    """A date as the database keeps it: BSON has no plain date, so midnight of that day."""
    return datetime(day.year, day.month, day.day)


class Day(fields.Date):
    """A calendar date, ``YYYY-MM-DD`` (as OpenAPI's ``format: date`` says), bounded."""

    def __init__(self, *args, near: bool = False, **kwargs):
        self.near = near
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("pattern", _ISO_DAY.pattern)
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _ISO_DAY.match(value):
            raise ValidationError("a date like 2026-12-04 (YYYY-MM-DD)")
        day = super()._deserialize(value, attr, data, **kwargs)
        earliest, latest = near_bounds() if self.near else (EARLIEST, LATEST)
        if not earliest <= day <= latest:
            raise ValidationError(f"a date between {earliest} and {latest}")
        return day
