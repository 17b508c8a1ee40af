"""Request and response schemas of the booking API (unknown fields refused)."""

from __future__ import annotations

from datetime import date

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)

from chassis.dates import Day
from chassis.idempotent_requests import KEY as IDEMPOTENCY_KEY
from services.booking.patient_schemas import PATIENT_ID, PatientIn

Text = fields.String
SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,62}$", error="lowercase letters, digits and -")


class BookingIn(Schema):
    slot_id = Text(required=True, validate=validate.Length(min=1, max=120))
    motif = Text(required=True, validate=SLUG)
    patient = fields.Nested(
        PatientIn,
        metadata={"description": "a new person: makes a provisional identity of their own"},
    )
    patient_id = Text(
        validate=PATIENT_ID,
        metadata={"description": "staff: the patient found by search (GET /patients)"},
    )
    channel = Text(load_default="online", validate=validate.OneOf(["online", "phone", "walk_in"]))

    @validates_schema
    def _one_patient(self, data, **kwargs):
        if ("patient" in data) == ("patient_id" in data):
            raise ValidationError("give either patient (a new person) or patient_id", "patient")


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

    # checked by chassis.idempotent_requests (422 ``idempotency_key_invalid``), described here
    idempotency_key = Text(
        data_key="Idempotency-Key",
        metadata={
            "description": "8 to 128 letters, digits or ._:-; a retry with the same key and "
            "body gets the first answer; the same key with another body is a 422 (keys "
            "expire after 24 h)",
            "pattern": IDEMPOTENCY_KEY.pattern,
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
    start = Day(data_key="from", near=True)
    end = Day(data_key="to", near=True)
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
    latest_date = Day(required=True, near=True)
    patient = fields.Nested(PatientIn)
    patient_id = Text(validate=PATIENT_ID, metadata={"description": "staff: a patient found"})

    @validates("latest_date")
    def _future(self, value, **kwargs):
        if value < date.today():
            raise ValidationError("must not be in the past")

    @validates_schema
    def _one_patient(self, data, **kwargs):
        if ("patient" in data) == ("patient_id" in data):
            raise ValidationError("give either patient (a new person) or patient_id", "patient")


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
    """Nothing to give: the offer is for the entry's own patient."""


class AgendaArgs(Schema):
    site_id = Text(required=True, validate=SLUG)
    day = Day(required=True, near=True)


class SiteSettingsIn(Schema):
    cancel_cutoff_hours = fields.Integer(required=True, validate=validate.Range(0, 168))


class SiteSettingsOut(SiteSettingsIn):
    site_id = Text()


class AgendaPatient(Schema):
    id = Text()
    name = Text(allow_none=True)
    birth_date = Text(allow_none=True)
    phone = Text(allow_none=True)
    identity_status = Text(allow_none=True)
    merged_into = Text(allow_none=True)


class AgendaEntry(Schema):
    id = Text()
    reference = Text()
    start = Text()
    end = Text()
    status = Text()
    motif_label = Text()
    channel = Text()
    needs_doctor = fields.Boolean()
    patient = fields.Nested(AgendaPatient)


class AgendaOut(Schema):
    site_id = Text()
    day = Text()
    appointments = fields.List(fields.Nested(AgendaEntry))
