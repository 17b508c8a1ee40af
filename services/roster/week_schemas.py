"""Response schemas of a site-week: its opening calendar and its handover note.

They document (OpenAPI) and serialise what these reads have always answered:
periods as ISO 8601 UTC date-times, closed days as ISO dates, and the note's
``written_at`` as an HTTP date (``Sun, 06 Dec 2026 09:15:00 GMT``), the form
Flask gave it before the schema existed.
"""

from __future__ import annotations

from marshmallow import Schema, fields
from werkzeug.http import http_date

from contracts.roster import ClosedDay, OpeningPeriod  # the shapes the week's events carry


class WeekOpeningOut(Schema):
    """A week's opening periods and closed days (also inside an assignment)."""

    opening = fields.List(fields.Nested(OpeningPeriod))
    closed = fields.List(fields.Nested(ClosedDay))


class CalendarOut(Schema):
    site_id = fields.String()
    week = fields.String(metadata={"example": "2026-W49"})
    opening = fields.List(fields.Nested(OpeningPeriod))
    closed = fields.List(fields.Nested(ClosedDay))


class HttpDate(fields.String):
    """A date-time written as an HTTP date (RFC 9110), e.g. ``Sun, 06 Dec 2026 09:15:00 GMT``."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else http_date(value)


class HandoverNoteOut(Schema):
    from_week = fields.String(metadata={"description": "the week whose doctor wrote it"})
    doctor_id = fields.String()
    text = fields.String()
    author_id = fields.String()
    written_at = HttpDate(metadata={"description": "an HTTP date, UTC"})


class HandoverOut(Schema):
    site_id = fields.String()
    week = fields.String()
    handover = fields.Nested(
        HandoverNoteOut, allow_none=True, metadata={"description": "null when none was left"}
    )
