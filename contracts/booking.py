"""Events the booking service produces: patients, appointments, reminders, waiting list.

Appointment events are public (partners may receive them): ids, site, times and
channel only, never a name, a phone number, a birth date or a visit reason.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from contracts.registry import EventType

CHANNELS = ["online", "phone", "walk_in"]
# an identity's traits, as the patient events carry them (and records keeps them)
TRAITS = (
    "birth_name",
    "used_name",
    "first_given_name",
    "given_names",
    "used_given_name",
    "birth_date",
    "sex",
    "birth_place",
)
SEXES = ["f", "m", "i", "unknown"]


class PatientRegisteredV1(Schema):
    """Before identities (v1): a name and a birth date; still read by records."""

    patient_id = fields.String(required=True)
    family_name = fields.String(required=True)
    given_name = fields.String(required=True)
    birth_date = fields.Date(required=True)
    sex = fields.String(load_default="unknown", validate=validate.OneOf(["f", "m", "unknown"]))
    has_gp = fields.String(
        load_default="unknown", validate=validate.OneOf(["yes", "no", "unknown"])
    )


class Identity(Schema):
    """An identity's traits (identity vigilance, RNIV) and status; never its contact."""

    patient_id = fields.String(required=True)
    birth_name = fields.String(required=True)
    used_name = fields.String(allow_none=True, load_default=None)
    first_given_name = fields.String(required=True)
    given_names = fields.List(fields.String(), load_default=list)
    used_given_name = fields.String(allow_none=True, load_default=None)
    birth_date = fields.Date(required=True)
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    birth_place = fields.String(allow_none=True, load_default=None)
    identity_status = fields.String(
        required=True, validate=validate.OneOf(["provisional", "validated"])
    )
    has_gp = fields.String(
        load_default="unknown", validate=validate.OneOf(["yes", "no", "unknown"])
    )


class ByStaff(Schema):
    """Who did it (staff id and role), for the patient's access log."""

    by = fields.String(allow_none=True, load_default=None)
    role = fields.String(allow_none=True, load_default=None)


class PatientValidated(Identity, ByStaff):
    validated_at = fields.AwareDateTime(required=True, format="iso")
    document = fields.String(required=True)


class PatientMerged(ByStaff):
    patient_id = fields.String(required=True, metadata={"description": "the merged identity"})
    into = fields.String(required=True, metadata={"description": "the identity it joined"})
    at = fields.AwareDateTime(required=True, format="iso")
    reason = fields.String(required=True)


class AppointmentFact(Schema):
    appointment_id = fields.String(required=True)
    patient_id = fields.String(required=True)
    site_id = fields.String(required=True)
    doctor_id = fields.String(allow_none=True, load_default=None)
    start = fields.AwareDateTime(required=True, format="iso")
    end = fields.AwareDateTime(required=True, format="iso")
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))


class AppointmentMoved(AppointmentFact):
    previous_start = fields.AwareDateTime(required=True, format="iso")
    previous_site_id = fields.String(required=True)


class AppointmentAffected(AppointmentFact):
    cause = fields.String(required=True, validate=validate.OneOf(["needs_doctor", "reassigned"]))


class ReminderDue(Schema):
    appointment_id = fields.String(required=True)
    patient_id = fields.String(required=True)
    site_id = fields.String(required=True)
    start = fields.AwareDateTime(required=True, format="iso")
    lead = fields.String(required=True, validate=validate.OneOf(["48h", "2h"]))
    phone = fields.String(allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None)


class WaitlistOffered(Schema):
    entry_id = fields.String(required=True)
    patient_id = fields.String(required=True)
    site_id = fields.String(required=True)
    slot_id = fields.String(required=True)
    start = fields.AwareDateTime(required=True, format="iso")
    expires_at = fields.AwareDateTime(required=True, format="iso")


_APPT = {
    "appointment_id": "apt-7K3Q",
    "patient_id": "pat-0042",
    "site_id": "site-ajain",
    "doctor_id": "doc-0001",
    "start": "2026-11-30T08:00:00+00:00",
    "end": "2026-11-30T08:20:00+00:00",
    "channel": "online",
}


def _appointment(verb: str, description: str, schema=AppointmentFact, **extra) -> EventType:
    return EventType(
        f"booking.appointment.{verb}.v1",
        schema,
        {**_APPT, **extra},
        public=True,
        description=description,
        subject="appointment id",
    )


_IDENTITY = {
    "patient_id": "pat-0042",
    "birth_name": "Martin",
    "used_name": "Dupont",
    "first_given_name": "Jeanne",
    "given_names": ["Jeanne", "Marie"],
    "used_given_name": None,
    "birth_date": "1951-03-14",
    "sex": "f",
    "birth_place": "23096",
    "identity_status": "provisional",
    "has_gp": "no",
}
_MERGE = {
    "patient_id": "pat-0042",
    "into": "pat-0007",
    "at": "2026-11-30T08:05:00+00:00",
    "by": "agent-1",
    "role": "agent",
}

EVENTS = [
    EventType(
        "booking.patient.registered.v1",
        PatientRegisteredV1,
        {
            "patient_id": "pat-0042",
            "family_name": "Dupont",
            "given_name": "Jeanne",
            "birth_date": "1951-03-14",
            "sex": "f",
            "has_gp": "no",
        },
        description="A patient is known to Relais (before identities; no longer announced).",
        subject="patient id",
    ),
    EventType(
        "booking.patient.registered.v2",
        Identity,
        _IDENTITY,
        description="A new identity, provisional as declared (internal: carries identity).",
        subject="patient id",
    ),
    EventType(
        "booking.patient.validated.v1",
        PatientValidated,
        {
            **_IDENTITY,
            "identity_status": "validated",
            "validated_at": "2026-11-30T08:05:00+00:00",
            "document": "cni",
            "by": "agent-1",
            "role": "agent",
        },
        description="Staff checked the identity against a high-trust identity document.",
        subject="patient id",
    ),
    EventType(
        "booking.patient.merged.v1",
        PatientMerged,
        {**_MERGE, "reason": "same_person_document"},
        description="A provisional identity was found to be the same person as a validated "
        "one: what was recorded under it now belongs to that person.",
        subject="patient id",
    ),
    EventType(
        "booking.patient.unmerged.v1",
        PatientMerged,
        {**_MERGE, "reason": "different_people"},
        description="A merge was undone: both identities stand apart again, as before it.",
        subject="patient id",
    ),
    _appointment("booked", "An appointment was booked."),
    _appointment("cancelled", "An appointment was cancelled."),
    _appointment(
        "moved",
        "An appointment moved to another slot.",
        AppointmentMoved,
        previous_start="2026-11-30T09:00:00+00:00",
        previous_site_id="site-ajain",
    ),
    _appointment("no_show", "The patient did not come."),
    _appointment("completed", "The consultation took place."),
    _appointment(
        "affected",
        "A rota change touched the appointment (its week lost or changed its doctor).",
        AppointmentAffected,
        cause="needs_doctor",
    ),
    EventType(
        "booking.reminder.due.v1",
        ReminderDue,
        {
            "appointment_id": "apt-7K3Q",
            "patient_id": "pat-0042",
            "site_id": "site-ajain",
            "start": "2026-11-30T08:00:00+00:00",
            "lead": "48h",
            "phone": "+33555000000",
            "email": None,
        },
        description="Time to remind the patient (for an SMS or e-mail sender).",
        subject="appointment id",
    ),
    EventType(
        "booking.waitlist.offered.v1",
        WaitlistOffered,
        {
            "entry_id": "wl-0007",
            "patient_id": "pat-0042",
            "site_id": "site-ajain",
            "slot_id": "slot-ajain-202611300800",
            "start": "2026-11-30T08:00:00+00:00",
            "expires_at": "2026-11-29T18:00:00+00:00",
        },
        description="A freed slot is offered to a waiting patient.",
        subject="waiting-list entry id",
    ),
]
