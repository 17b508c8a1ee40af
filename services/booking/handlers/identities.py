"""Identity vigilance at the desk: likely duplicates, validation, merge and unmerge.

Only staff change an identity's status.  Each change is one conditional write on
one identity document: the new state, its entry in the identity's own audit
trail (``history``: who, when, why, never free text) and the event that records
follows, together, so none happens without the others.

- Validate: staff checked a high-trust identity document; they may correct the
  traits from it, record the contact that sign-in codes go to, and an INS.  When
  a validated identity is exactly alike, they must say it is somebody else
  (``confirm_new``) or merge into it instead.
- Merge: a provisional identity joins a validated one (same person).  The
  merged identity keeps its document and gains ``merged_into``; what was recorded
  under it now counts for the person (records follows the event).
- Unmerge: the link is removed; both stand apart again, exactly as before.
"""

from __future__ import annotations

from datetime import date, datetime

from chassis import outbox
from chassis.auth import Principal
from chassis.context import request_id
from chassis.dates import midnight
from chassis.problems import Conflict
from contracts.booking import TRAITS
from services.booking import events
from services.booking.documents import Patient
from services.booking.domain import now_utc
from services.booking.handlers import patients
from services.booking.identity import LEVELS, PROVISIONAL, VALIDATED, Likeness, Traits, likeness

SERVICE = "booking"


class IdentityRefused(Conflict):
    """An identity rule said no: 409 with a ``code``."""


def candidates(patient: Patient, limit: int = 10) -> list[tuple[Patient, Likeness]]:
    """Other identities alike enough for staff to look at, the likeliest first."""
    mine = Traits.of(patient.to_mongo())
    names = sorted(mine.names)
    if not names:
        return []
    collection = Patient._get_collection()
    # one query per name key, not an $or of them: SecantusDB answers such an $or with
    # fewer documents than match (see the README's divergences)
    sons = {
        son["_id"]: son
        for key in ("birth_key", "used_key")
        for son in collection.find({key: {"$in": names}}).limit(200)
    }
    found = []
    for son in sons.values():
        if son["_id"] in (patient.id, patient.merged_into) or son.get("merged_into"):
            continue
        alike = likeness(mine, Traits.of(son))
        if alike is not None:
            found.append((Patient._from_son(son), alike))
    found.sort(key=lambda pair: (LEVELS[pair[1].level], pair[0].id))
    return found[:limit]


def _stored(value):
    """A value as the database keeps it (a birth date: midnight of that day)."""
    return midnight(value) if isinstance(value, date) and not isinstance(value, datetime) else value


def _entry(action: str, who: Principal, **extra) -> dict:
    return {
        "action": action,
        "at": now_utc(),
        "by": who.subject,
        "role": who.role,
        "request_id": request_id.get(),
        **{k: v for k, v in extra.items() if v is not None},
    }


def _write(query: dict, update: dict, event: dict, refusal: IdentityRefused) -> Patient:
    result = Patient._get_collection().update_one(query, outbox.with_events(update, event))
    if not result.modified_count:
        raise refusal
    outbox.notify(SERVICE)
    return patients.get(query["_id"])


def _changed() -> IdentityRefused:
    return IdentityRefused("identity_changed", "the identity changed meanwhile; reload it")


def _usable(patient: Patient) -> None:
    if patient.merged_into:
        raise IdentityRefused(
            "identity_merged",
            "this identity was merged into another: act on that one",
            merged_into=patient.merged_into,
        )


def validate(
    patient: Patient,
    who: Principal,
    *,
    document: str,
    corrections: dict,
    sign_in: dict,
    ins: dict | None,
    confirm_new: bool,
) -> Patient:
    """Validated against ``document``: traits corrected, sign-in contact and INS kept."""
    _usable(patient)
    corrections = {k: _stored(v) for k, v in corrections.items()}
    corrected = {**patient.to_mongo().to_dict(), **corrections}
    if corrections.get("first_given_name") and "given_names" not in corrections:
        rest = [g for g in (patient.given_names or [])[1:]]
        corrected["given_names"] = [corrections["first_given_name"], *rest]
    if not confirm_new:  # a validated identity alike in every trait: merge into it instead
        alike = [
            (other, how)
            for other, how in candidates(Patient._from_son(corrected))
            if how.level == "exact" and other.identity_status == VALIDATED
        ]
        if alike:
            raise IdentityRefused(
                "possible_duplicate",
                "another identity has exactly these traits: merge into it, or confirm "
                "this is somebody else",
                candidates=[other.id for other, _ in alike],
            )
    now = now_utc()
    changes = {k: corrected[k] for k in TRAITS if k in corrected}
    changes.update(patients.keys(corrected))
    changes.update(
        identity_status=VALIDATED,
        validation={"by": who.subject, "role": who.role, "at": now, "document": document},
        sign_in={k: v for k, v in sign_in.items() if v},
    )
    if ins:
        changes["ins"] = ins
    validated = Patient._from_son({**corrected, **changes})
    event = events.patient_validated(validated, now, document, who)
    query = {"_id": patient.id, "merged_into": {"$exists": False}}
    if patient.identity_status == PROVISIONAL:
        query["identity_status"] = PROVISIONAL
    else:  # validated again (a new document, a corrected trait): nobody changed it meanwhile
        query["validation.at"] = patient.validation.get("at")
    entry = _entry("validated", who, document=document)
    return _write(query, {"$set": changes, "$push": {"history": entry}}, event, _changed())


def merge(source: Patient, target: Patient, who: Principal, reason: str) -> Patient:
    """``source`` (provisional) is the same person as ``target`` (validated)."""
    if source.id == target.id:
        raise IdentityRefused("same_identity", "an identity cannot be merged into itself")
    _usable(source)
    _usable(target)
    if source.identity_status != PROVISIONAL:
        raise IdentityRefused(
            "not_provisional", "only a provisional identity is merged into another"
        )
    if target.identity_status != VALIDATED:
        raise IdentityRefused(
            "target_not_validated", "merge into a validated identity (validate it first)"
        )
    now = now_utc()
    event = events.patient_merged(source.id, target.id, now, reason, who)
    query = {"_id": source.id, "identity_status": PROVISIONAL, "merged_into": {"$exists": False}}
    if Patient._get_collection().count_documents({"merged_into": source.id}, limit=1):
        raise _changed()  # nothing is merged into a provisional identity; never a chain
    entry = _entry("merged", who, other_id=target.id, reason=reason)
    update = {"$set": {"merged_into": target.id}, "$push": {"history": entry}}
    return _write(query, update, event, _changed())


def unmerge(source: Patient, who: Principal, reason: str) -> Patient:
    """Undo ``source``'s merge: it stands alone again, as it was before."""
    if not source.merged_into:
        raise IdentityRefused("not_merged", "this identity is not merged into another")
    target = source.merged_into
    event = events.patient_merged(source.id, target, now_utc(), reason, who, undone=True)
    entry = _entry("unmerged", who, other_id=target, reason=reason)
    query = {"_id": source.id, "merged_into": target}
    update = {"$unset": {"merged_into": ""}, "$push": {"history": entry}}
    return _write(query, update, event, _changed())
