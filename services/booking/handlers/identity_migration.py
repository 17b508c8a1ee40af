"""From "a patient is a name and a birth date" to identities: booking's side, once.

Before identities, a patient document held ``family_name``, ``given_name`` and
``identity`` (an HMAC of name and birth date that made homonyms one patient).
Each such document becomes an identity under the same id, so every appointment
and every record stays attached: the family name becomes the birth name, the
given name the first given name.  It is ``provisional``, or ``validated`` where
a check-in was recorded (staff saw the patient at the desk; the document they
saw was not recorded then, so it says ``non_renseigne``, and no sign-in contact
is set: staff record one at the next visit).  A validated one is announced, so
records follows.  Each document is rewritten by one conditional write on its
old shape: a second run, or two at once, find nothing left to do.
"""

from __future__ import annotations

from chassis import outbox
from chassis.names import clean_name
from services.booking import events
from services.booking.documents import Appointment, BookingSecret, Patient
from services.booking.domain import now_utc
from services.booking.handlers import patients
from services.booking.identity import PROVISIONAL, VALIDATED

SERVICE = "booking"
OLD = {"birth_name": {"$exists": False}, "family_name": {"$exists": True}}
UNRECORDED = "non_renseigne"


def _check_in(patient_id: str) -> dict | None:
    """The first check-in recorded for this patient, if any."""
    found = Appointment._get_collection().find(
        {"patient_id": patient_id, "history.status": "checked_in"}, {"history": 1}
    )
    seen = [h for doc in found for h in doc["history"] if h.get("status") == "checked_in"]
    return min(seen, key=lambda h: h["at"]) if seen else None


def _new_shape(doc: dict, now) -> tuple[dict, dict | None]:
    """The identity's fields, and its validated event when a check-in was recorded."""
    birth_name, given = clean_name(doc["family_name"]), clean_name(doc["given_name"])
    fields = {
        "birth_name": birth_name,
        "first_given_name": given,
        "given_names": [given],
        **patients.keys({"birth_name": birth_name, "first_given_name": given}),
        "identity_status": PROVISIONAL,
        # one id may hold two people (homonyms, or a booking under another's name): the
        # desk is shown it, to check before recording a sign-in contact
        "legacy": True,
    }
    check_in = _check_in(doc["_id"])
    entry = {"action": "migrated", "at": now, "by": "migration", "role": "operator"}
    event = None
    if check_in is not None:
        fields["identity_status"] = VALIDATED
        fields["validation"] = {
            "by": check_in.get("by") or "unknown",
            "role": "staff",
            "at": check_in["at"],
            "document": UNRECORDED,
        }
        patient = Patient._from_son({**doc, **fields})
        event = events.patient_validated(patient, check_in["at"], UNRECORDED)
    fields["history"] = [*doc.get("history", []), entry]
    return fields, event


def migrate() -> dict:
    """Rewrite every patient of the old shape; the counts of what was found and done."""
    collection = Patient._get_collection()
    counts = {"patients": collection.count_documents({}), "migrated": 0, "validated": 0}
    now = now_utc()
    for doc in list(collection.find(OLD)):
        fields, event = _new_shape(doc, now)
        update = {
            "$set": fields,
            "$unset": {"family_name": "", "given_name": "", "family_key": "", "identity": ""},
        }
        if event is not None:
            update = outbox.with_events(update, event)
        done = collection.update_one({"_id": doc["_id"], **OLD}, update).modified_count
        counts["migrated"] += done
        counts["validated"] += done if event is not None else 0
    counts["provisional"] = counts["migrated"] - counts["validated"]
    counts["already"] = counts["patients"] - counts["migrated"]
    # the key that made ids from names: no longer used by anything
    BookingSecret._get_collection().delete_one({"_id": "patient-id"})
    counts["appointments"] = Appointment._get_collection().count_documents({})
    known = set(collection.distinct("_id"))
    attached = Appointment._get_collection().distinct("patient_id")
    counts["appointments_without_patient"] = len([p for p in attached if p not in known])
    if counts["validated"]:
        outbox.notify(SERVICE)
    return counts
