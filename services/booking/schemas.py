"""Request and response schemas of the booking API (unknown fields refused)."""

from __future__ import annotations

from datetime import date

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from chassis.idempotent_requests import KEY as IDEMPOTENCY_KEY
from chassis.phones import check_phone, normalise_phone

Text = fields.String
SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,62}$", error="lowercase letters, digits and -")
NAME = validate.Length(min=1, max=100)


class PatientIn(Schema):
    family_name = Text(required=True, validate=NAME)
    given_name = Text(required=True, validate=NAME)
    birth_date = fields.Date(required=True)
    sex = Text(load_default="unknown", validate=validate.OneOf(["f", "m", "unknown"]))
    phone = Text(required=True, validate=validate.Length(max=30))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    has_gp = Text(load_default="unknown", validate=validate.OneOf(["yes", "no", "unknown"]))

    @validates("birth_date")
    def _born(self, value, **kwargs):
        if value > date.today() or value.year < 1900:
            raise ValidationError("not a plausible birth date")

    @validates("phone")
    def _phone(self, value, **kwargs):
        check_phone(value)

    @post_load
    def _normalise(self, data, **kwargs):
        data["phone"] = normalise_phone(data["phone"])
        return data


class BookingIn(Schema):
    slot_id = Text(required=True, validate=validate.Length(min=1, max=120))
    motif = Text(required=True, validate=SLUG)
    patient = fields.Nested(PatientIn, required=True)
    channel = Text(load_default="online", validate=validate.OneOf(["online", "phone", "walk_in"]))


class MoveIn(Schema):
    slot_id = Text(required=True, validate=validate.Length(min=1, max=120))


class ManageHeaders(Schema):
    """The patient's manage token (for a link, ``?token=`` works too)."""

    class Meta:
        unknown = EXCLUDE  # every other header

    manage_token = Text(
        data_key="X-Manage-Token",
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the manage token returned once at booking"},
    )


class IdempotencyHeaders(Schema):
    class Meta:
        unknown = EXCLUDE

    idempotency_key = Text(
        data_key="Idempotency-Key",
        validate=validate.Regexp(IDEMPOTENCY_KEY, error="8 to 128 letters, digits or ._:-"),
        metadata={
            "description": "a retry with the same key and body gets the first answer; "
            "the same key with another body is a 422 (keys expire after 24 h)"
        },
    )


class AcceptHeaders(ManageHeaders, IdempotencyHeaders):
    pass


class AppointmentOut(Schema):
    id = Text()
    reference = Text()
    site_id = Text()
    start = fields.AwareDateTime()
    end = fields.AwareDateTime()
    stop = fields.Dict()
    doctor_id = Text(allow_none=True)
    motif = Text()
    motif_label = Text()
    channel = Text()
    status = Text()
    needs_doctor = fields.Boolean()
    patient_id = Text()


class BookedOut(AppointmentOut):
    manage_token = Text(allow_none=True, metadata={"description": "returned once, keep it"})


class SlotArgs(Schema):
    site_id = Text(required=True, validate=SLUG)
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    motif = Text(validate=SLUG)
    stop_id = Text(validate=SLUG)
    page = fields.Integer(load_default=1, validate=validate.Range(1, 1000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("must not be before from", "to")


class NearestArgs(Schema):
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    km = fields.Float(load_default=30, validate=validate.Range(min=0.5, max=200))
    motif = Text(validate=SLUG)
    order = Text(
        load_default="start",
        validate=validate.OneOf(["start", "distance"]),
        metadata={"description": "start: earliest first; distance: nearest place first"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100))
    per_page = fields.Integer(load_default=10, validate=validate.Range(1, 50))


class SlotOut(Schema):
    id = Text()
    site_id = Text()
    start = fields.AwareDateTime()
    end = fields.AwareDateTime()
    day = Text()
    stop = fields.Dict()
    doctor_name = Text(allow_none=True)
    held_back = fields.Boolean()
    distance_km = fields.Float()


class PatientQuery(Schema):
    family_name = Text(validate=validate.Length(min=2, max=100))
    birth_date = fields.Date()
    phone = Text(validate=validate.Length(max=30))

    @validates_schema
    def _some(self, data, **kwargs):
        if not data.get("phone") and not data.get("family_name"):
            raise ValidationError("search by family_name (and birth_date) or by phone")

    @post_load
    def _phone(self, data, **kwargs):
        if data.get("phone"):
            data["phone"] = normalise_phone(data["phone"]) or data["phone"]
        return data


class PatientOut(Schema):
    id = Text()
    family_name = Text()
    given_name = Text()
    birth_date = fields.Date()
    sex = Text()
    phone = Text()
    email = Text(allow_none=True)
    has_gp = Text()


class MotifIn(Schema):
    code = Text(required=True, validate=SLUG)
    label = Text(required=True, validate=validate.Length(min=1, max=100))
    duration_slots = fields.Integer(load_default=1, validate=validate.Range(1, 4))
    online = fields.Boolean(load_default=True)
    active = fields.Boolean(load_default=True)


class MotifOut(MotifIn):
    site_id = Text()


class WaitlistIn(Schema):
    site_id = Text(required=True, validate=SLUG)
    motif = Text(required=True, validate=SLUG)
    latest_date = fields.Date(required=True)
    patient = fields.Nested(PatientIn, required=True)

    @validates("latest_date")
    def _future(self, value, **kwargs):
        if value < date.today():
            raise ValidationError("must not be in the past")


class WaitlistOut(Schema):
    id = Text()
    site_id = Text()
    motif = Text()
    latest_date = fields.Date()
    status = Text()
    offer = fields.Dict()
    appointment_id = Text(allow_none=True)
    token = Text(metadata={"description": "returned once, keep it"})


class WaitlistQuery(Schema):
    site_id = Text(required=True, validate=SLUG)


class AcceptIn(Schema):
    patient = fields.Nested(PatientIn, required=True)


class AgendaArgs(Schema):
    site_id = Text(required=True, validate=SLUG)
    day = fields.Date(required=True)


class SiteSettingsIn(Schema):
    cancel_cutoff_hours = fields.Integer(required=True, validate=validate.Range(0, 168))
