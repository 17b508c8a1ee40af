"""Patients: identities made by bookings, registered only once their booking has won.

Nothing about a person makes or finds their id: a new identity gets a random
id, and an anonymous caller's traits never open an identity that exists already
(however well they match, they make a provisional identity of their own; staff
are shown the likeness and decide, handlers/identities.py).  Staff who found a
patient by search book for that patient's id.

The booking inserts the appointment carrying the draft identity
(``pending_patient``); only after that insert has won is the patient document
written with its ``booking.patient.registered.v2`` event.  A refused booking
writes nothing at all.  The worker's sweep (:func:`finish_registrations`) then
drops the drafts of registered patients in bulk, and registers any patient a
process stopped before registering.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from datetime import date, timedelta

from pymongo import UpdateOne
from pymongo.errors import DuplicateKeyError, PyMongoError

from chassis import outbox
from chassis.dates import midnight
from chassis.names import name_key
from chassis.problems import NotFound
from services.booking import events
from services.booking.documents import Appointment, Patient
from services.booking.domain import now_utc

log = logging.getLogger(__name__)
SERVICE = "booking"
FINISH_AFTER = timedelta(minutes=1)


def new_id() -> str:
    return f"pat-{uuid.uuid4().hex[:16]}"


def keys(traits: dict) -> dict:
    """The search keys of an identity's names."""
    return {
        "birth_key": name_key(traits["birth_name"]),
        "used_key": name_key(traits.get("used_name") or "") or None,
        "given_key": name_key(traits["first_given_name"]),
    }


def draft(data: dict, via: str) -> dict:
    """A new provisional identity from declared traits, to register once booked."""
    given = data.get("given_names") or [data["first_given_name"]]
    patient = Patient(
        id=new_id(),
        birth_name=data["birth_name"],
        used_name=data.get("used_name") or None,
        first_given_name=data["first_given_name"],
        given_names=list(given),
        used_given_name=data.get("used_given_name") or None,
        birth_date=data["birth_date"],
        sex=data["sex"],
        birth_place=data["birth_place"],
        identity_status="provisional",
        phone=data.get("phone"),
        email=(data.get("email") or "").lower() or None,
        has_gp=data.get("has_gp", "unknown"),
        created_via=via,
        created_at=now_utc(),
        **keys(data),
    )
    son = patient.to_mongo().to_dict()
    son.pop("outbox", None)
    return son


def register(son: dict) -> Patient:
    """Write the drafted identity with its event (once: a second call finds it there)."""
    document = {k: v for k, v in son.items() if k != "_id"}
    entry = events.patient_registered(Patient._from_son(dict(son)))
    collection = Patient._get_collection()
    # two writers at once (the request and the worker's sweep): the same document
    with contextlib.suppress(DuplicateKeyError):
        collection.update_one(
            {"_id": son["_id"]},
            {
                "$setOnInsert": {
                    **document,
                    "outbox": [entry],
                    "outbox_due": entry["next_at"],
                }
            },
            upsert=True,
        )
    outbox.notify(SERVICE)
    return Patient._from_son(collection.find_one({"_id": son["_id"]}))


def register_now(data: dict, via: str) -> Patient:
    """A new provisional identity, written at once (joining a waiting list)."""
    return register(draft(data, via))


def registered_for(draft_son: dict) -> None:
    """After the appointment won: the identity exists (and is announced).

    The appointment keeps its draft until the worker's sweep sees the patient and
    clears it, many at a time (:func:`finish_registrations`): the request makes
    one write less."""
    try:
        register(draft_son)
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
    for doc in pending:
        if doc["pending_patient"]["_id"] not in known:
            registered_for(doc["pending_patient"])
    known = set(patients.distinct("_id", {"_id": {"$in": wanted}}))
    done = [d["_id"] for d in pending if d["pending_patient"]["_id"] in known]
    if done:
        collection.bulk_write(
            [UpdateOne({"_id": i}, {"$unset": {"pending_patient": ""}}) for i in done],
            ordered=False,
        )
    return len(pending)


def get(patient_id: str) -> Patient:
    found = Patient._get_collection().find_one({"_id": patient_id})
    if found is None:
        raise NotFound("patient", patient_id)
    return Patient._from_son(found)


def live(patient_id: str) -> Patient:
    """The identity to act on: a merged one's is the identity it joined."""
    patient = get(patient_id)
    return get(patient.merged_into) if patient.merged_into else patient


def group(patient_id: str) -> list[str]:
    """The ids of one person: the identity and those merged into it (merges go into a
    validated identity, which is never merged itself: one level)."""
    merged = Patient._get_collection().distinct("_id", {"merged_into": patient_id})
    return [patient_id, *sorted(merged)]


def search(
    family_name: str | None = None,
    birth_date: date | None = None,
    phone: str | None = None,
    limit: int = 20,
) -> list[Patient]:
    """By birth or used name (accent- and case-insensitive prefix) and birth date, or by
    phone; merged identities are left out (their person is found by the other)."""
    query: dict = {"merged_into": {"$exists": False}}
    if phone:
        query["phone"] = phone
    if birth_date:
        query["birth_date"] = {"$eq": midnight(birth_date)}
    if not family_name:
        if len(query) == 1:
            return []
        queries = [query]
    else:  # one query per name key, not an $or (a SecantusDB divergence, see the README)
        prefix = {"$regex": "^" + re.escape(name_key(family_name))}
        queries = [{**query, key: prefix} for key in ("birth_key", "used_key")]
    collection = Patient._get_collection()
    found = {d["_id"]: d for q in queries for d in collection.find(q).limit(limit)}
    ordered = sorted(found.values(), key=lambda d: (d.get("birth_key", ""), d["_id"]))
    return [Patient._from_son(d) for d in ordered[:limit]]
