"""The append-only audit trail: every request to a records endpoint leaves an entry.

Each view names its action and purpose with :func:`audited`.  The access
checks (services.records.access) append the decision before anything is read
or written: who, role, patient (when known), site (for site-wide reads),
action, purpose, time, outcome and reason.  Whatever ends a request before a
decision (bad input refused by the schema, an unexpected error) is caught by
:func:`install`'s after-request hook, which appends an entry from the
response status, so no request by an identified caller goes unrecorded.
Anonymous requests (401) have nobody to name; the HTTP request log has them.

Nothing medical goes into an entry: ids, action names and fixed reasons only.
"""

from __future__ import annotations

import functools

from flask import g, request

from chassis import context
from chassis.auth import Principal, principal
from services.records import clock
from services.records.documents import AuditEntry, Consultation, SiteItem, Visit
from services.records.domain import Decision, outcome_of

DEFAULT = ("unnamed", "care")


def audited(action: str, purpose: str):
    """Name the view's action and purpose (outermost decorator: set before validation)."""

    def decorate(view):
        @functools.wraps(view)
        def named(*args, **kwargs):
            g.records_action = (action, purpose)
            return view(*args, **kwargs)

        return named

    return decorate


def _entry(who: Principal, outcome: str, reason: str, patient_id, site_id) -> AuditEntry:
    action, purpose = g.get("records_action", DEFAULT)
    return AuditEntry(
        at=clock.now(),
        actor=who.subject,
        role=who.role,
        patient_id=patient_id,
        site_id=site_id,
        action=action,
        purpose=purpose,
        outcome=outcome,
        reason=reason,
        request_id=context.request_id.get(),
    )


def append(who: Principal, decision: Decision, *, patient_id=None, site_id=None) -> None:
    _entry(who, decision.outcome, decision.reason, patient_id, site_id).save(force_insert=True)
    g.records_audited = True


def disclosed(who: Principal, patient_ids, site_id: str, reason: str) -> None:
    """One entry per patient whose data a site-wide read shows (in their own trail)."""
    entries = [_entry(who, "allowed", reason, p, site_id) for p in sorted(set(patient_ids))]
    if entries:
        AuditEntry.objects.insert(entries, load_bulk=False)


def identity_changed(event, action: str, patient_ids, reason: str) -> None:
    """What booking's desk did to an identity, in each identity's trail: a validation can
    open the record to a sign-in contact, a merge joins two records, so the patient sees
    who did it.  Once per event (ids derived from the event's), whatever the deliveries."""
    data = event.data
    entries = AuditEntry._get_collection()
    for patient_id in patient_ids:
        entries.update_one(
            {"_id": f"identity|{event.id}|{patient_id}"},
            {
                "$setOnInsert": {
                    "at": clock.now(),
                    "actor": data.get("by") or "booking",
                    "role": data.get("role") or "staff",
                    "patient_id": patient_id,
                    "action": action,
                    "purpose": "identity_vigilance",
                    "outcome": "allowed",
                    "reason": reason,
                }
            },
            upsert=True,
        )


# -- the safety net ----------------------------------------------------------------
def _about(view_args: dict) -> tuple[str | None, str | None]:
    """The patient (and site) a request was about, from its path or body ids."""
    if patient_id := view_args.get("patient_id"):
        return patient_id, None
    if site_id := view_args.get("site_id"):
        return None, site_id
    found = None
    if consultation_id := view_args.get("consultation_id"):
        found = Consultation.objects(id=consultation_id).only("patient_id", "site_id").first()
    elif item_id := view_args.get("item_id"):
        found = SiteItem.objects(id=item_id).only("patient_id", "site_id").first()
    else:
        body = request.get_json(silent=True)
        appointment_id = body.get("appointment_id") if isinstance(body, dict) else None
        if isinstance(appointment_id, str):
            found = Visit.objects(id=appointment_id).only("patient_id", "site_id").first()
    return (found.patient_id, found.site_id) if found else (None, None)


def install(blueprint) -> None:
    @blueprint.after_request
    def _audit_what_no_decision_covered(response):
        who = principal()
        if who is None or g.get("records_audited"):
            return response
        patient_id, site_id = _about(request.view_args or {})
        reason = f"answered {response.status_code} before an access decision"
        _entry(who, outcome_of(response.status_code), reason, patient_id, site_id).save(
            force_insert=True
        )
        return response
