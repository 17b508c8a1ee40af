"""Patients: who is booking, registered only once their booking has won; search.

A new patient's id is known before anything is written: an HMAC of their
identity (name keys + birth date) under a key kept in the service's database,
so two first bookings of one person at once agree on it (and the unique
``patient_hold`` index compares their times), while nobody outside can derive
an id from a name.  The booking inserts the appointment carrying the draft
patient (``pending_patient``); only after that insert has won is the patient
document upserted with its ``booking.patient.registered.v1`` event.  A refused
booking writes nothing at all.  The worker's sweep (:func:`finish_registrations`)
then drops the drafts of registered patients in bulk, and registers any patient a
process stopped before registering.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import re
import secrets
from datetime import date, datetime, timedelta

from pymongo import ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError, PyMongoError

from chassis import outbox
from services.booking import events
from services.booking.documents import Appointment, BookingSecret, Patient
from services.booking.domain import name_key, now_utc, time_buckets

log = logging.getLogger(__name__)
SERVICE = "booking"
FINISH_AFTER = timedelta(minutes=1)
_keys: dict[tuple, bytes] = {}


def identity(family_name: str, given_name: str, birth_date: date) -> str:
    return f"{name_key(family_name)}|{name_key(given_name)}|{birth_date.isoformat()}"


def _id_key() -> bytes:
    """This database's key for patient ids: made once, on first use, by whoever comes first."""
    collection = BookingSecret._get_collection()
    servers = collection.database.client.topology_description.server_descriptions()
    where = (tuple(sorted(servers)), collection.database.name)
    if where not in _keys:
        query = {"_id": "patient-id"}
        with contextlib.suppress(DuplicateKeyError):  # another process made it just now
            collection.update_one(
                query, {"$setOnInsert": {"value": secrets.token_hex(32)}}, upsert=True
            )
        _keys[where] = bytes.fromhex(collection.find_one(query)["value"])
    return _keys[where]


def _patient_id(identity_key: str) -> str:
    digest = hmac.new(_id_key(), identity_key.encode(), hashlib.sha256).hexdigest()
    return f"pat-{digest[:16]}"


def identify(data: dict) -> tuple[str, dict | None]:
    """The patient's id and, for a new patient, the draft to register once booked.

    Reads only. A returning patient (same name and birth date) keeps the contact
    details on file: an online form cannot overwrite another person's phone number.
    """
    key = identity(data["family_name"], data["given_name"], data["birth_date"])
    known = Patient._get_collection().find_one({"identity": key}, {"_id": 1})
    if known is not None:
        return known["_id"], None
    draft = _draft(data, key)
    return draft["_id"], draft


def _draft(data: dict, key: str) -> dict:
    """The document of a new patient with identity ``key``, to register once booked."""
    draft = Patient(
        id=_patient_id(key),
        family_name=data["family_name"].strip(),
        given_name=data["given_name"].strip(),
        birth_date=data["birth_date"],
        sex=data.get("sex", "unknown"),
        phone=data.get("phone"),
        email=(data.get("email") or "").lower() or None,
        has_gp=data.get("has_gp", "unknown"),
        identity=key,
        family_key=name_key(data["family_name"]),
        given_key=name_key(data["given_name"]),
        created_at=now_utc(),
    )
    son = draft.to_mongo().to_dict()
    son.pop("outbox", None)
    return son


def register(draft: dict) -> Patient:
    """Upsert the drafted patient on its identity; announced only when really new."""
    son = dict(draft)
    patient_id = son.pop("_id")
    key = son.pop("identity")
    entry = events.patient_registered(Patient._from_son({**draft}))
    son["outbox"] = [entry]
    son["outbox_due"] = entry["next_at"]
    collection = Patient._get_collection()
    doc = collection.find_one_and_update(
        {"identity": key},
        {"$setOnInsert": {"_id": patient_id, **son}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    if doc is None:
        # SecantusDB 0.7 sometimes answers an upsert under concurrency without the
        # document (mongod always returns it): the write happened, so read it back
        doc = collection.find_one({"identity": key})
    outbox.notify(SERVICE)
    return Patient._from_son(doc)


def find_or_register(data: dict) -> Patient:
    """The patient with this name and birth date, registered (and announced) if new."""
    key = identity(data["family_name"], data["given_name"], data["birth_date"])
    known = Patient._get_collection().find_one({"identity": key})
    if known is not None:
        return Patient._from_son(known)
    return register(_draft(data, key))


def registered_for(appointment_id: str, draft: dict) -> None:
    """After the appointment won: the patient exists (and is announced).

    The appointment keeps its draft until the worker's sweep sees the patient and
    clears it, many at a time (:func:`finish_registrations`): the request makes
    one write less.  Only a patient registered meanwhile under another id makes
    the appointment change here and now.
    """
    try:
        patient = register(draft)
        if patient.id != draft["_id"]:  # registered meanwhile under an id from before keys
            log.warning("booking re-pointed to a patient registered meanwhile")
            appointment = Appointment.objects.only("start", "end").get(id=appointment_id)
            minutes = time_buckets(patient.id, appointment.start, appointment.end)
            Appointment._get_collection().update_one(
                {"_id": appointment_id},
                {
                    "$unset": {"pending_patient": ""},
                    "$set": {"patient_id": patient.id, "patient_hold": minutes},
                },
            )
    except PyMongoError:
        # the booking stands; the worker's sweep finishes the registration
        log.warning("patient registration left to the worker", exc_info=True)


def finish_registrations(grace: timedelta = FINISH_AFTER) -> int:
    """The worker's sweep over appointments still carrying a new patient's draft.

    Registered already (the usual case): the drafts are dropped in one bulk write.
    Not registered (a process stopped between the two writes): registered now.
    """
    collection = Appointment._get_collection()
    pending = list(
        collection.find(
            {"pending_patient._id": {"$exists": True}, "created_at": {"$lt": now_utc() - grace}},
            {"pending_patient": 1},
        )
    )
    if not pending:
        return 0
    wanted = list({doc["pending_patient"]["_id"] for doc in pending})
    patients = Patient._get_collection()
    known = set(patients.distinct("_id", {"_id": {"$in": wanted}}))
    missing = [doc for doc in pending if doc["pending_patient"]["_id"] not in known]
    for doc in missing:
        registered_for(doc["_id"], doc["pending_patient"])
    if missing:  # a draft goes once used: read again which ones are registered now
        known = set(patients.distinct("_id", {"_id": {"$in": wanted}}))
    done = [d["_id"] for d in pending if d["pending_patient"]["_id"] in known]
    if done:
        collection.bulk_write(
            [UpdateOne({"_id": i}, {"$unset": {"pending_patient": ""}}) for i in done],
            ordered=False,
        )
    return len(pending)


def search(
    family_name: str | None = None,
    birth_date: date | None = None,
    phone: str | None = None,
    limit: int = 20,
) -> list[Patient]:
    """By name (accent- and case-insensitive prefix) and birth date, or by phone."""
    query: dict = {}
    if phone:
        query["phone"] = phone
    if family_name:
        query["family_key"] = {"$regex": "^" + re.escape(name_key(family_name))}
    if birth_date:
        query["birth_date"] = {"$eq": _as_datetime(birth_date)}
    if not query:
        return []
    return [Patient._from_son(d) for d in Patient._get_collection().find(query).limit(limit)]


def _as_datetime(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)
