"""The booking service's outgoing events (contracts in contracts/booking.py).

An event announced because of an incoming one (``caused_by``: its id) gets an
id derived from that id and from what it is about, so a handler run again on
the same event announces the same ids, and consumers drop any copy by its id.
"""

from __future__ import annotations

import uuid

from chassis import outbox
from contracts.catalog import catalog

CAUSED = uuid.UUID("6f1c2b8e-4a7d-5e3f-9b21-0c8d7e6a5f40")  # namespace of derived ids


def derived_id(caused_by: str, *about: str) -> str:
    return uuid.uuid5(CAUSED, "|".join((caused_by, *about))).hex


def _event(type_: str, data: dict, subject: str, caused_by: str | None = None) -> dict:
    event_id = derived_id(caused_by, type_, subject) if caused_by is not None else None
    return outbox.event(catalog(), type_, data, subject, event_id=event_id)


def appointment_fact(appointment) -> dict:
    return {
        "appointment_id": appointment.id,
        "patient_id": appointment.patient_id,
        "site_id": appointment.site_id,
        "doctor_id": appointment.doctor_id,
        "start": appointment.start,
        "end": appointment.end,
        "channel": appointment.channel,
    }


def appointment(verb: str, appt, caused_by: str | None = None, **extra) -> dict:
    data = {**appointment_fact(appt), **extra}
    return _event(f"booking.appointment.{verb}.v1", data, appt.id, caused_by)


def identity(patient) -> dict:
    """The identity's traits and status, as the internal patient events carry them."""
    return {
        "patient_id": patient.id,
        "birth_name": patient.birth_name,
        "used_name": patient.used_name,
        "first_given_name": patient.first_given_name,
        "given_names": list(patient.given_names or []),
        "used_given_name": patient.used_given_name,
        "birth_date": patient.birth_date,
        "sex": patient.sex,
        "birth_place": patient.birth_place,
        "identity_status": patient.identity_status,
        "has_gp": patient.has_gp,
    }


def patient_registered(patient) -> dict:
    return _event("booking.patient.registered.v2", identity(patient), patient.id)


def patient_validated(patient, at, document: str, who=None) -> dict:
    data = {**identity(patient), "validated_at": at, "document": document, **_by(who)}
    return _event("booking.patient.validated.v1", data, patient.id)


def patient_merged(
    patient_id: str, into: str, at, reason: str, who=None, *, undone: bool = False
) -> dict:
    verb = "unmerged" if undone else "merged"
    data = {"patient_id": patient_id, "into": into, "at": at, "reason": reason, **_by(who)}
    return _event(f"booking.patient.{verb}.v1", data, patient_id)


def _by(who) -> dict:
    return {"by": who.subject, "role": who.role} if who is not None else {}


def reminder_due(appt, lead: str, patient) -> dict:
    data = {
        "appointment_id": appt.id,
        "patient_id": appt.patient_id,
        "site_id": appt.site_id,
        "start": appt.start,
        "lead": lead,
        "phone": patient.phone if patient else None,
        "email": patient.email if patient else None,
    }
    return _event("booking.reminder.due.v1", data, appt.id)


def waitlist_offered(entry, slot, expires_at, caused_by: str | None = None) -> dict:
    data = {
        "entry_id": entry.id,
        "patient_id": entry.patient_id,
        "site_id": entry.site_id,
        "slot_id": slot.id,
        "start": slot.start,
        "expires_at": expires_at,
    }
    # one entry is offered one slot once per cause: the slot is part of the id
    cause = f"{caused_by}|{slot.id}" if caused_by else None
    return _event("booking.waitlist.offered.v1", data, entry.id, cause)
