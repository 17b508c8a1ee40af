"""Request and response schemas of the records API (unknown fields refused)."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from chassis.dates import Day
from contracts import birthplaces
from services.records.domain import VITALS

Text = fields.String
SHORT = validate.Length(min=1, max=200)
LONG = validate.Length(max=20000)


def _not_future(value: date) -> None:
    if value > date.today():
        raise ValidationError("must not be in the future")


class HistoryIn(Schema):
    text = Text(required=True, validate=SHORT)
    since = Day(validate=_not_future)
    relative = Text(validate=validate.Length(max=100))  # family history: "mother", ...


class AllergyIn(Schema):
    substance = Text(required=True, validate=SHORT)
    reaction = Text(load_default="", validate=validate.Length(max=200))
    severity = Text(required=True, validate=validate.OneOf(["mild", "moderate", "severe"]))


class TreatmentIn(Schema):
    name = Text(required=True, validate=SHORT)
    dose = Text(load_default="", validate=validate.Length(max=200))
    since = Day(validate=_not_future)


class VaccinationIn(Schema):
    vaccine = Text(
        required=True,
        validate=validate.OneOf(
            [
                "dtp",
                "dtcap",
                "influenza",
                "covid19",
                "pneumococcal",
                "hpv",
                "hepatitis_b",
                "mmr",
                "zoster",
                "other",
            ]
        ),
    )
    date = Day(required=True, validate=_not_future)
    lot = Text(load_default="", validate=validate.Length(max=50))


class ScreeningIn(Schema):
    kind = Text(
        required=True,
        validate=validate.OneOf(
            ["mammography", "colorectal_fit", "cervical_cytology", "cervical_hpv", "other"]
        ),
    )
    date = Day(required=True, validate=_not_future)
    result = Text(load_default="", validate=validate.Length(max=500))


SECTION_SCHEMAS = {
    "medical_history": HistoryIn,
    "surgical_history": HistoryIn,
    "family_history": HistoryIn,
    "allergies": AllergyIn,
    "treatments": TreatmentIn,
    "vaccinations": VaccinationIn,
    "screenings": ScreeningIn,
}


def _vital(name: str, kind=fields.Float):
    low, high = VITALS[name]
    return kind(validate=validate.Range(low, high), allow_none=True)


class ExamIn(Schema):
    systolic = _vital("systolic", fields.Integer)
    diastolic = _vital("diastolic", fields.Integer)
    heart_rate = _vital("heart_rate", fields.Integer)
    temperature = _vital("temperature")
    weight_kg = _vital("weight_kg")
    height_cm = _vital("height_cm")
    spo2 = _vital("spo2", fields.Integer)


class ConsultationOpenIn(Schema):
    appointment_id = Text(required=True, validate=validate.Length(min=1, max=64))
    reason = Text(load_default="", validate=validate.Length(max=500))


class ConsultationPatch(Schema):
    reason = Text(validate=validate.Length(max=500))
    exam = fields.Nested(ExamIn)
    notes = Text(validate=LONG)
    diagnosis = Text(validate=validate.Length(max=2000))
    prescriptions = Text(validate=LONG)
    outcome = Text(validate=validate.Length(max=2000))


class SiteItemIn(Schema):
    kind = Text(required=True, validate=validate.OneOf(["follow_up", "pending_result"]))
    text = Text(required=True, validate=validate.Length(min=1, max=2000))
    due = Day()


class GpDeclarationIn(Schema):
    declared_on = Day(required=True, validate=_not_future)
    site_id = Text(required=True, validate=validate.Length(min=1, max=64))


class ConsultationOut(Schema):
    id = Text()
    patient_id = Text()
    site_id = Text()
    doctor_id = Text()
    appointment_id = Text(allow_none=True)
    status = Text()
    reason = Text()
    exam = fields.Dict()
    notes = Text()
    diagnosis = Text()
    prescriptions = Text()
    outcome = Text()
    opened_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime(allow_none=True)


class SiteItemOut(Schema):
    id = Text()
    site_id = Text()
    patient_id = Text()
    consultation_id = Text()
    kind = Text()
    text = Text()
    due = fields.Date(allow_none=True)
    status = Text()
    created_by = Text()
    created_at = fields.AwareDateTime()
    done_by = Text(allow_none=True)
    done_at = fields.AwareDateTime(allow_none=True)


class PatientIdentityOut(Schema):
    """Who the person is (identity vigilance: birth name, first given name, birth date,
    sex, and whether staff have validated the identity)."""

    id = Text()
    identity_status = Text(metadata={"description": "provisional | validated"})
    birth_name = Text()
    used_name = Text(allow_none=True)
    first_given_name = Text()
    given_names = fields.List(Text())
    used_given_name = Text(allow_none=True)
    birth_date = fields.Date()
    sex = Text()
    birth_place = Text(allow_none=True)
    birth_place_label = fields.Function(lambda r: birthplaces.label(r.birth_place))


class OpenItemOut(SiteItemOut):
    """An item of the site's open list: what following it up needs, not the record."""

    patient = fields.Nested(PatientIdentityOut, allow_none=True)

    class Meta:
        exclude = ("patient_id", "consultation_id", "done_by", "done_at")


class RecordOut(PatientIdentityOut):
    """The person's record: their identity, the standard frame, the consultations.  Entries
    written under a provisional identity merged into this one say ``from_identity``."""

    merged_identities = fields.List(
        Text(), metadata={"description": "provisional identities merged into this one"}
    )
    has_gp = Text()
    medical_history = fields.List(fields.Dict())
    surgical_history = fields.List(fields.Dict())
    family_history = fields.List(fields.Dict())
    allergies = fields.List(fields.Dict())
    no_known_allergies = fields.Boolean()
    treatments = fields.List(fields.Dict())
    vaccinations = fields.List(fields.Dict())
    screenings = fields.List(fields.Dict())
    gp_declaration = fields.Dict()
    consultations = fields.List(fields.Nested(ConsultationOut))


class AuditOut(Schema):
    at = fields.AwareDateTime()
    actor = Text()
    role = Text()
    action = Text()
    purpose = Text()
    outcome = Text()
    site_id = Text(allow_none=True)


class CountersOut(Schema):
    site_id = Text()
    consultations_opened = fields.Integer()
    consultations_closed = fields.Integer()
    gp_declarations = fields.Integer()
