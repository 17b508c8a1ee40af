"""Records use cases and event handlers: the only code that writes records documents."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, datetime

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from chassis import outbox
from chassis.dates import midnight
from chassis.problems import Conflict, Forbidden, NotFound
from contracts.booking import TRAITS
from contracts.catalog import catalog
from contracts.weeks import IsoWeek
from services.records import audit, clock, people
from services.records.documents import (
    Consultation,
    Counter,
    DutyWeek,
    IdentityLink,
    PatientRecord,
    SiteItem,
    Visit,
)
from services.records.domain import NOT_YOURS, bmi

SERVICE = "records"


def _count(site_id: str, name: str) -> None:
    Counter.objects(id=f"{site_id}|{name}").update_one(
        upsert=True, set__site_id=site_id, set__name=name, inc__value=1
    )


# -- events in ------------------------------------------------------------------
IDENTITY = (*TRAITS, "identity_status", "has_gp")


def _identity(data: dict) -> dict:
    fields = {k: data.get(k) for k in IDENTITY}
    fields["birth_date"] = midnight(data["birth_date"])
    return fields


def patient_registered(event) -> None:
    """A new identity: its record, empty (only written when it does not exist yet, so a
    late copy never undoes a validation that came first)."""
    data = dict(event.data)
    if event.type.endswith(".v1"):  # before identities: a name and a birth date
        data.update(
            birth_name=data["family_name"],
            first_given_name=data["given_name"],
            given_names=[data["given_name"]],
            identity_status="provisional",
        )
    PatientRecord._get_collection().update_one(
        {"_id": data["patient_id"]},
        {"$setOnInsert": {**_identity(data), "created_at": clock.now()}},
        upsert=True,
    )


def patient_validated(event) -> None:
    """Staff validated the identity (perhaps correcting its traits): the record says so.
    An older validation arriving late changes nothing."""
    data = event.data
    at = data["validated_at"]
    with contextlib.suppress(DuplicateKeyError):  # a newer validation is applied already
        PatientRecord._get_collection().update_one(
            {
                "_id": data["patient_id"],
                "$or": [{"validated_at": {"$exists": False}}, {"validated_at": {"$lt": at}}],
            },
            {
                "$set": {**_identity(data), "validated_at": at},
                "$setOnInsert": {"created_at": clock.now()},
            },
            upsert=True,
        )
    audit.identity_changed(event, "validate_identity", [data["patient_id"]], data["document"])


def identity_linked(event) -> None:
    """booking.patient.merged / unmerged: which identity a merged one joined, if any.
    Records themselves are not touched (services/records/people.py)."""
    data = event.data
    merged = event.type.startswith("booking.patient.merged.")
    into = data["into"] if merged else None
    action = "merge_identity" if merged else "unmerge_identity"
    audit.identity_changed(event, action, [data["patient_id"], data["into"]], data["reason"])
    collection = IdentityLink._get_collection()
    with contextlib.suppress(DuplicateKeyError):  # a newer event is applied already
        collection.update_one(
            {"_id": data["patient_id"], "$or": [{"at": {"$lt": data["at"]}}, {"at": None}]},
            {"$set": {"into": into, "at": data["at"]}},
            upsert=True,
        )


def appointment_changed(event) -> None:
    """booking.appointment.*: where and when the patient is expected."""
    data = event.data
    status = event.type.split(".")[2]  # booked, moved, cancelled, completed, no_show, ...
    week = str(IsoWeek.of(data["start"].astimezone(clock.PARIS).date()))
    fields = {
        "set__patient_id": data["patient_id"],
        "set__site_id": data["site_id"],
        "set__week": week,
        "set__start": data["start"],
    }
    if status in ("cancelled", "completed", "no_show"):
        fields["set__status"] = status
    elif status in ("booked", "moved"):
        fields["set__status"] = "booked"
    Visit.objects(id=data["appointment_id"]).update_one(upsert=True, **fields)


def duty_changed(event) -> None:
    """roster.week.*: who is on duty at which site each week."""
    data = event.data
    key = f"{data['site_id']}|{data['week']}"
    if event.type == "roster.week.released.v1":
        DutyWeek.objects(id=key, assignment_id=data["assignment_id"]).update_one(
            set__status="released"
        )
        return
    DutyWeek.objects(id=key).update_one(
        upsert=True,
        set__site_id=data["site_id"],
        set__week=data["week"],
        set__doctor_id=data["doctor_id"],
        set__assignment_id=data["assignment_id"],
        set__revision=data["revision"],
        set__status="confirmed",
    )


# -- the record ---------------------------------------------------------------------
def record(patient_id: str) -> PatientRecord:
    found = PatientRecord.objects(id=patient_id).first()
    if found is None:
        raise NotFound("record", patient_id)
    return found


def person_record(patient_id: str) -> PatientRecord:
    """The person's record across their identities, to read (never saved)."""
    found = people.person_record(patient_id)
    if found is None:
        raise NotFound("record", patient_id)
    return found


def add_entry(patient_id: str, section: str, entry: dict, by: str) -> PatientRecord:
    # dates are kept as ISO strings inside entries (BSON has no plain date)
    entry = {k: v.isoformat() if isinstance(v, date) else v for k, v in entry.items()}
    entry = {**entry, "recorded_by": by, "recorded_at": clock.now()}
    update = {f"push__{section}": entry, "set__updated_at": clock.now()}
    if section == "allergies":
        update["set__no_known_allergies"] = False
    PatientRecord.objects(id=patient_id).update_one(**update)
    return person_record(patient_id)


def declare_no_known_allergies(patient_id: str) -> PatientRecord:
    # "allergies.0" absent: the list is empty or was never written
    PatientRecord._get_collection().update_one(
        {"_id": patient_id, "allergies.0": {"$exists": False}},
        {"$set": {"no_known_allergies": True, "updated_at": clock.now()}},
    )
    return person_record(patient_id)


def declare_gp(patient_id: str, declared_on, doctor_id: str, site_id: str) -> PatientRecord:
    collection = PatientRecord._get_collection()
    before = collection.find_one_and_update(
        {"_id": patient_id},
        {
            "$set": {
                "gp_declaration": {
                    "declared_on": declared_on.isoformat(),
                    "doctor_id": doctor_id,
                    "site_id": site_id,
                    "recorded_at": clock.now(),
                },
                "has_gp": "yes",
            }
        },
        return_document=ReturnDocument.BEFORE,
    )
    if before and not before.get("gp_declaration"):
        _count(site_id, "gp_declarations")
    return person_record(patient_id)


# -- consultations -------------------------------------------------------------------
def open_consultation(booked: Visit, reason: str, doctor_id: str) -> Consultation:
    """Open from an appointment, as the access check loaded it (the care relationship is
    checked by services.records.access)."""
    appointment_id = booked.id
    if booked.status == "cancelled":
        raise Conflict("appointment_cancelled", "this appointment was cancelled")
    existing = Consultation.objects(appointment_id=appointment_id).first()
    if existing is not None:
        raise Conflict(
            "consultation_exists",
            "this appointment already has a consultation",
            consultation_id=existing.id,
        )
    if PatientRecord.objects(id=booked.patient_id).count() == 0:
        raise NotFound("record", booked.patient_id)
    consultation = Consultation(
        id=f"cons-{uuid.uuid4().hex[:12]}",
        patient_id=booked.patient_id,
        site_id=booked.site_id,
        doctor_id=doctor_id,
        appointment_id=appointment_id,
        reason=reason,
        opened_at=clock.now(),
    )
    consultation.save(force_insert=True)
    _count(booked.site_id, "consultations_opened")
    return consultation


def consultation(consultation_id: str) -> Consultation:
    found = Consultation.objects(id=consultation_id).first()
    if found is None:
        raise NotFound("consultation", consultation_id)
    return found


def update_consultation(item: Consultation, changes: dict, doctor_id: str) -> Consultation:
    _own_open(item, doctor_id)
    if "exam" in changes:
        changes = {**changes, "exam": _with_bmi({**(item.exam or {}), **changes["exam"]})}
    Consultation.objects(id=item.id, status="open").update_one(
        **{f"set__{k}": v for k, v in changes.items()}
    )
    return consultation(item.id)


def _own_open(item: Consultation, doctor_id: str) -> None:
    if item.doctor_id != doctor_id:
        raise Forbidden("not_yours", NOT_YOURS)
    if item.status != "open":
        raise Conflict("consultation_closed", "this consultation is closed")


def add_site_item(item: Consultation, kind: str, text: str, due, doctor_id: str) -> SiteItem:
    _own_open(item, doctor_id)
    return _site_item(item, doctor_id, clock.now(), kind=kind, text=text, due=due)


def _with_bmi(exam: dict) -> dict:
    return {**exam, "bmi": bmi(exam.get("weight_kg"), exam.get("height_cm"))}


def _site_item(item: Consultation, by: str, at: datetime, **fields) -> SiteItem:
    """A follow-up or a pending result the consultation leaves to its site (saved)."""
    site_item = SiteItem(
        id=f"item-{uuid.uuid4().hex[:12]}",
        site_id=item.site_id,
        patient_id=item.patient_id,
        consultation_id=item.id,
        created_by=by,
        created_at=at,
        **fields,
    )
    site_item.save(force_insert=True)
    return site_item


def close_consultation(item: Consultation, doctor_id: str) -> Consultation:
    _own_open(item, doctor_id)
    closed_at = clock.now()
    data = {
        "consultation_id": item.id,
        "patient_id": item.patient_id,
        "site_id": item.site_id,
        "doctor_id": item.doctor_id,
        "appointment_id": item.appointment_id,
        "closed_at": closed_at,
    }
    event = outbox.event(catalog(), "records.consultation.closed.v1", data, item.id)
    result = Consultation._get_collection().update_one(
        {"_id": item.id, "status": "open"},
        {"$set": {"status": "closed", "closed_at": closed_at}, **outbox.push(event)},
    )
    if not result.modified_count:
        raise Conflict("consultation_closed", "this consultation is closed")
    outbox.notify(SERVICE)
    _count(item.site_id, "consultations_closed")
    return consultation(item.id)


def finish_item(item: SiteItem, doctor_id: str) -> SiteItem:
    """Mark a site item done (once: a second time keeps the first doctor and time)."""
    SiteItem.objects(id=item.id, status="open").update_one(
        set__status="done", set__done_by=doctor_id, set__done_at=clock.now()
    )
    return SiteItem.objects.get(id=item.id)


def import_consultation(data: dict, items: list[dict]) -> Consultation:
    """A past consultation brought in whole (demo history): closed, no event to announce."""
    consultation = Consultation(id=f"cons-{uuid.uuid4().hex[:12]}", status="closed", **data)
    consultation.exam = _with_bmi(consultation.exam)
    consultation.save(force_insert=True)
    for item in items:
        _site_item(consultation, consultation.doctor_id, consultation.closed_at, **item)
    return consultation
