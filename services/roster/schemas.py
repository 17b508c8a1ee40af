"""Request and response schemas of the roster API (marshmallow; unknown fields refused)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from chassis.dates import Day, near_bounds
from chassis.names import PersonName
from chassis.phones import check_phone
from contracts.common import Location
from services.roster.documents import lonlat
from services.roster.domain import PACE_MAX, PACE_MIN, PROFESSIONS, IsoWeek, valid_rpps
from services.roster.week_schemas import WeekOpeningOut

HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="a time like 08:30")
SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,62}$", error="lowercase letters, digits and -")
Id = fields.String(validate=validate.Length(min=1, max=64))


class Week(fields.String):
    """An ISO week, ``2026-W49``; week 54 or week 53 of a 52-week year are refused, and so
    are years outside the rota's calendar (``near``: weeks within today ± 3 years)."""

    def __init__(self, *args, near: bool = False, **kwargs):
        self.near = near
        kwargs.setdefault("metadata", {}).setdefault("pattern", r"^\d{4}-W\d{2}$")
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            week = IsoWeek.parse(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if self.near:
            earliest, latest = near_bounds()
            if not IsoWeek.of(earliest) <= week <= IsoWeek.of(latest):
                raise ValidationError(
                    f"a week between {IsoWeek.of(earliest)} and {IsoWeek.of(latest)}"
                )
        return str(week)


class HoursIn(Schema):
    weekday = fields.Integer(required=True, validate=validate.Range(0, 6))
    start = fields.String(required=True, validate=HHMM)
    end = fields.String(required=True, validate=HHMM)

    @validates_schema
    def _order(self, data, **kwargs):
        if data["start"] >= data["end"]:
            raise ValidationError("must be after start", "end")


class StopIn(HoursIn):
    stop_id = fields.String(required=True, validate=SLUG)
    commune = fields.String(required=True, validate=validate.Length(min=1, max=100))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    location = fields.Nested(Location, required=True)


class SiteIn(Schema):
    id = fields.String(validate=SLUG)
    code = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Z]{3}$", error="three capital letters")
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(["centre", "mobile"]))
    commune = fields.String(required=True, validate=validate.Length(min=1, max=100))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    location = fields.Nested(Location, load_default=None)
    professions = fields.List(
        fields.String(validate=validate.OneOf(PROFESSIONS)),
        load_default=lambda: ["gp"],
        validate=validate.Length(min=1),
    )
    hours = fields.List(fields.Nested(HoursIn), load_default=None)
    closed_thursday_afternoon = fields.Boolean(load_default=True)
    stops = fields.List(fields.Nested(StopIn), load_default=list)
    no_housing_weeks = fields.List(Week(), load_default=list, validate=validate.Length(max=104))

    @validates_schema
    def _kind(self, data, **kwargs):
        if data["kind"] == "mobile" and not data.get("stops"):
            raise ValidationError("a mobile unit needs its stops", "stops")
        if data["kind"] == "centre" and data.get("stops"):
            raise ValidationError("only a mobile unit has stops", "stops")
        if data["kind"] == "centre" and not data.get("location"):
            # patients find a centre by distance, its correspondents are searched around it
            raise ValidationError("a centre needs its location (lon, lat)", "location")


class SitePatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    hours = fields.List(fields.Nested(HoursIn))
    closed_thursday_afternoon = fields.Boolean()
    stops = fields.List(fields.Nested(StopIn))
    professions = fields.List(
        fields.String(validate=validate.OneOf(PROFESSIONS)), validate=validate.Length(min=1)
    )
    no_housing_weeks = fields.List(Week(), validate=validate.Length(max=104))


class SiteOut(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    commune = fields.String()
    address = fields.String()
    location = fields.Method("_location")
    professions = fields.List(fields.String())
    hours = fields.List(fields.Nested(HoursIn))
    closed_thursday_afternoon = fields.Boolean()
    stops = fields.Method("_stops")
    no_housing_weeks = fields.List(fields.String())

    def _location(self, site):
        return lonlat(site.location)

    def _stops(self, site):
        return [
            {
                **stop.to_event(),
                "weekday": stop.weekday,
                "start": stop.start,
                "end": stop.end,
            }
            for stop in site.stops
        ]


class DoctorIn(Schema):
    family_name = PersonName(required=True)
    given_name = PersonName(required=True)
    rpps = fields.String(required=True)
    profession = fields.String(required=True, validate=validate.OneOf(PROFESSIONS))
    phone = fields.String(required=True, validate=validate.Length(max=30))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    languages = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z]{2}$", error="ISO 639-1 code")),
        load_default=lambda: ["fr"],
    )
    max_weeks = fields.Integer(load_default=4, validate=validate.Range(1, 52))

    @validates("rpps")
    def _rpps(self, value, **kwargs):
        if not valid_rpps(value):
            raise ValidationError("an RPPS number is 11 digits with a valid check digit")

    @validates("phone")
    def _phone(self, value, **kwargs):
        check_phone(value)


class DoctorOut(Schema):
    id = fields.String()
    family_name = fields.String()
    given_name = fields.String()
    display_name = fields.String()
    rpps = fields.String()
    profession = fields.String()
    phone = fields.String()
    email = fields.String()
    languages = fields.List(fields.String())
    max_weeks = fields.Integer()
    rpps_known = fields.Boolean()


class OfferIn(Schema):
    doctor_id = Id
    weeks = fields.List(Week(near=True), required=True, validate=validate.Length(min=1, max=52))
    preferred_sites = fields.List(fields.String(validate=SLUG), load_default=list)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class OfferOut(Schema):
    id = fields.String()
    doctor_id = fields.String()
    weeks = fields.List(fields.String())
    preferred_sites = fields.List(fields.String())
    note = fields.String()
    state = fields.String()


class AssignmentIn(Schema):
    site_id = fields.String(required=True, validate=SLUG)
    week = Week(required=True)
    doctor_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    confirm = fields.Boolean(load_default=False)
    override_rpps_reason = fields.String(validate=validate.Length(min=3, max=500))


class AssignmentQuery(Schema):
    site_id = fields.String(validate=SLUG)
    week = Week()
    doctor_id = fields.String(validate=validate.Length(min=1, max=64))
    state = fields.String(
        validate=validate.OneOf(["proposed", "confirmed", "completed", "released"])
    )


class ConfirmIn(Schema):
    override_rpps_reason = fields.String(validate=validate.Length(min=3, max=500))


class ReleaseIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class HeldBackIn(Schema):
    weekday = fields.Integer(required=True, validate=validate.Range(0, 6))
    slots = fields.Integer(required=True, validate=validate.Range(0, 40))
    release_time = fields.String(required=True, validate=HHMM)


class SettingsIn(Schema):
    pace = fields.Integer(validate=validate.Range(PACE_MIN, PACE_MAX))
    held_back = fields.List(fields.Nested(HeldBackIn))
    home_visits = fields.List(fields.Nested(HoursIn))


class LogisticsIn(Schema):
    housing_booked = fields.Boolean(required=True)
    vehicle = fields.String(load_default="", validate=validate.Length(max=200))
    welcome_booklet_sent = fields.Boolean(required=True)
    arrival_time = fields.String(load_default="", validate=validate.Length(max=100))
    notes = fields.String(load_default="", validate=validate.Length(max=2000))


class HandoverIn(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=10000))


class AssignmentOut(Schema):
    id = fields.String()
    site_id = fields.String()
    week = fields.String()
    doctor_id = fields.String()
    state = fields.String()
    revision = fields.Integer()
    pace = fields.Integer()
    held_back = fields.List(fields.Nested(HeldBackIn))
    home_visits = fields.List(fields.Nested(HoursIn))
    logistics = fields.Nested(LogisticsIn)
    rpps_override = fields.Dict()
    released_reason = fields.String(allow_none=True)
    opening = fields.Method("_opening")

    def _opening(self, assignment):
        calendar = getattr(assignment, "calendar", None)  # set where one assignment is read
        return WeekOpeningOut().dump(calendar) if calendar is not None else None


class RangeArgs(Schema):
    start = Day(data_key="from", required=True, near=True)
    end = Day(data_key="to", required=True, near=True)
    site_id = fields.List(fields.String(validate=SLUG), load_default=list)

    @validates_schema
    def _order(self, data, **kwargs):
        if data["end"] < data["start"]:
            raise ValidationError("must not be before from", "to")
        if (data["end"] - data["start"]).days > 366 * 2:
            raise ValidationError("at most two years at a time", "to")


class GapOut(Schema):
    site_id = fields.String()
    site_name = fields.String()
    week = fields.String()
    state = fields.String()


class CellOut(Schema):
    week = fields.String()
    state = fields.String()  # confirmed | proposed | completed | gap
    doctor_id = fields.String(allow_none=True)
    doctor_name = fields.String(allow_none=True)
    assignment_id = fields.String(allow_none=True)


class MatrixRowOut(Schema):
    site_id = fields.String()
    site_name = fields.String()
    kind = fields.String()
    cells = fields.List(fields.Nested(CellOut))


class MatrixOut(Schema):
    weeks = fields.List(fields.String())
    sites = fields.List(fields.Nested(MatrixRowOut))
