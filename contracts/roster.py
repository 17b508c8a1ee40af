"""Events the roster service produces: rota weeks, coverage gaps, doctors."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from contracts.common import ISO_WEEK, Location, Period
from contracts.registry import EventType


class Stop(Schema):
    stop_id = fields.String(required=True)
    commune = fields.String(required=True)
    address = fields.String(load_default="")
    location = fields.Nested(Location, required=True)


class OpeningPeriod(Period):
    """A bookable stretch of a day at the site (or at one stop of a mobile unit)."""

    stop = fields.Nested(Stop, allow_none=True, load_default=None)


class ClosedDay(Schema):
    date = fields.Date(required=True)
    part = fields.String(required=True, validate=validate.OneOf(["day", "morning", "afternoon"]))
    reason = fields.String(required=True)


class HeldBack(Schema):
    date = fields.Date(required=True)
    slots = fields.Integer(required=True, validate=validate.Range(min=0))
    release_at = fields.AwareDateTime(required=True, format="iso")


class WeekAssignment(Schema):
    assignment_id = fields.String(required=True)
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    site_id = fields.String(required=True)
    site_code = fields.String(required=True)
    site_name = fields.String(required=True)
    site_kind = fields.String(required=True, validate=validate.OneOf(["centre", "mobile"]))
    site_commune = fields.String(load_default="")
    site_location = fields.Nested(Location, allow_none=True, load_default=None)
    week = fields.String(required=True, validate=ISO_WEEK)
    doctor_id = fields.String(required=True)
    doctor_name = fields.String(required=True)
    profession = fields.String(required=True, validate=validate.OneOf(["gp", "midwife"]))
    pace = fields.Integer(required=True, validate=validate.Range(1, 6))
    timezone = fields.String(load_default="Europe/Paris")
    opening = fields.List(fields.Nested(OpeningPeriod), required=True)
    closed = fields.List(fields.Nested(ClosedDay), load_default=list)
    held_back = fields.List(fields.Nested(HeldBack), load_default=list)
    home_visit_blocks = fields.List(fields.Nested(Period), load_default=list)


class WeekReleased(Schema):
    assignment_id = fields.String(required=True)
    site_id = fields.String(required=True)
    week = fields.String(required=True, validate=ISO_WEEK)
    doctor_id = fields.String(required=True)
    reason = fields.String(required=True)


class GapDetected(Schema):
    site_id = fields.String(required=True)
    site_name = fields.String(required=True)
    site_kind = fields.String(required=True, validate=validate.OneOf(["centre", "mobile"]))
    commune = fields.String(required=True)
    week = fields.String(required=True, validate=ISO_WEEK)


class DoctorRegistered(Schema):
    doctor_id = fields.String(required=True)
    rpps = fields.String(required=True, validate=validate.Regexp(r"^\d{11}$"))
    profession = fields.String(required=True, validate=validate.OneOf(["gp", "midwife"]))
    display_name = fields.String(required=True)


_WEEK = {
    "assignment_id": "a-2026W49-ajain",
    "revision": 1,
    "site_id": "site-ajain",
    "site_code": "AJN",
    "site_name": "Centre de santé d'Ajain",
    "site_kind": "centre",
    "site_commune": "Ajain",
    "site_location": {"lon": 1.9983, "lat": 46.2071},
    "week": "2026-W49",
    "doctor_id": "doc-0001",
    "doctor_name": "Dr Claire Martin",
    "profession": "gp",
    "pace": 3,
    "timezone": "Europe/Paris",
    "opening": [
        {"start": "2026-11-30T08:00:00+00:00", "end": "2026-11-30T11:00:00+00:00", "stop": None},
        {"start": "2026-11-30T13:00:00+00:00", "end": "2026-11-30T17:00:00+00:00", "stop": None},
    ],
    "closed": [{"date": "2026-12-03", "part": "afternoon", "reason": "thursday_afternoon"}],
    "held_back": [
        {"date": "2026-11-30", "slots": 2, "release_at": "2026-11-30T07:00:00+00:00"},
    ],
    "home_visit_blocks": [
        {"start": "2026-12-01T15:00:00+00:00", "end": "2026-12-01T17:00:00+00:00"}
    ],
}

EVENTS = [
    EventType(
        "roster.week.confirmed.v1",
        WeekAssignment,
        _WEEK,
        description="A doctor is confirmed at a site for an ISO week; carries all booking "
        "needs to generate slots (opening periods in UTC, closures, held-back capacity).",
        subject="assignment id",
    ),
    EventType(
        "roster.week.updated.v1",
        WeekAssignment,
        {**_WEEK, "revision": 2, "pace": 4},
        description="A confirmed week changed (pace, held-back capacity, home visits); "
        "the newest revision wins.",
        subject="assignment id",
    ),
    EventType(
        "roster.week.released.v1",
        WeekReleased,
        {
            "assignment_id": "a-2026W49-ajain",
            "site_id": "site-ajain",
            "week": "2026-W49",
            "doctor_id": "doc-0001",
            "reason": "doctor unavailable",
        },
        description="A confirmed week lost its doctor.",
        subject="assignment id",
    ),
    EventType(
        "roster.gap.detected.v1",
        GapDetected,
        {
            "site_id": "site-ajain",
            "site_name": "Centre de santé d'Ajain",
            "site_kind": "centre",
            "commune": "Ajain",
            "week": "2027-W02",
        },
        public=True,
        description="A site-week has no confirmed doctor.",
        subject="site id",
    ),
    EventType(
        "roster.doctor.registered.v1",
        DoctorRegistered,
        {
            "doctor_id": "doc-0001",
            "rpps": "10001234567",
            "profession": "gp",
            "display_name": "Dr Claire Martin",
        },
        description="A volunteer doctor joined the roster.",
        subject="doctor id",
    ),
]
