"""Who may read or write what, decided from facts; every decision audited first.

Each guard finds the caller (401 when anonymous), looks up what the request is
about (record, appointment, consultation, site item, site), gathers the facts
(is the doctor on duty this week at a site where the patient is booked? in an
open consultation with them?), lets the pure rules of services.records.domain
decide, appends the audit entry whatever the outcome, then raises 403 or 404
when refused.  The role is judged before existence, so a refusal tells nothing
about what exists.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, has_request_context

from chassis.auth import ROLES, Principal, require
from chassis.problems import Forbidden, NotFound
from services.records import audit, clock, people
from services.records.documents import Consultation, DutyWeek, PatientRecord, SiteItem, Visit
from services.records.domain import (
    CARE,
    DOCTORS,
    MEDICAL_READ,
    MEDICAL_WRITE,
    NOT_YOURS,
    Decision,
    Facts,
    decide,
    decide_counters,
    decide_site,
    decide_trail,
    missing,
)

Check = Callable[[Principal], Decision | None]  # a further condition: its refusal, or None


def _duty_sites(doctor_id: str, week: str) -> list[str]:
    return [
        d.site_id
        for d in DutyWeek.objects(week=week, doctor_id=doctor_id, status="confirmed").only(
            "site_id"
        )
    ]


def on_duty_sites(doctor_id: str, week: str | None = None) -> list[str]:
    """Where the doctor is on duty that week (this week by default): read once a request."""
    key = (doctor_id, week or clock.this_week())
    if not has_request_context():
        return _duty_sites(*key)
    known = g.setdefault("records_duty_sites", {})
    if key not in known:
        known[key] = _duty_sites(*key)
    return known[key]


def _exists(patient_id: str) -> bool:
    return PatientRecord.objects(id=patient_id).count() > 0


def facts_for(role: str, subject: str, patient_id: str) -> Facts:
    """About ``patient_id``'s person: across the identities merged into it."""
    exists = _exists(patient_id)
    if role != "doctor" or not exists:
        return Facts(record_exists=exists)
    sites = on_duty_sites(subject)
    if not sites:
        return Facts(record_exists=True)
    ids = people.group(patient_id)
    open_here = Consultation.objects(
        patient_id__in=ids, doctor_id=subject, status="open", site_id__in=sites
    ).count()
    booked_here = Visit.objects(
        patient_id__in=ids, site_id__in=sites, week=clock.this_week(), status__ne="cancelled"
    ).count()
    return Facts(True, on_duty_with_visit=booked_here > 0, open_consultation=open_here > 0)


def subject_of(who: Principal) -> str:
    """Who the caller is to the rules: a patient is their account's patient id (a patient
    token of no account, such as one for a single appointment, is nobody's)."""
    if who.role == "patient":
        return who.patient_id or ""
    return who.subject


def caller() -> Principal:
    return require(*ROLES)


def enforce(
    who: Principal,
    decision: Decision,
    *,
    patient_id: str | None = None,
    site_id: str | None = None,
    what: tuple[str, str] | None = None,
) -> Principal:
    """Audit the decision, then refuse (403/404) or let the caller through."""
    audit.append(who, decision, patient_id=patient_id, site_id=site_id)
    if decision.status == 404:
        raise NotFound(*(what or ("record", patient_id or "")))
    if not decision.allowed:
        raise Forbidden(decision.code, decision.reason)
    return who


def guard(
    patient_id: str,
    *,
    kind: str = MEDICAL_READ,
    roles: tuple[str, ...] = CARE,
    check: Check | None = None,
) -> tuple[Principal, str]:
    """The caller and the person's patient id, if they may ``kind`` (read/write) this
    patient's record.  A merged identity's person is the one it joined (``live``)."""
    who = caller()
    person = people.live(patient_id)
    facts = facts_for(who.role, who.subject, person)
    decision = decide(who.role, subject_of(who), person, kind, facts, roles)
    if decision.allowed and check:
        decision = check(who) or decision
    return enforce(who, decision, patient_id=person), person


def guard_trail(patient_id: str) -> tuple[Principal, str]:
    who = caller()
    person = people.live(patient_id)
    decision = decide_trail(who.role, subject_of(who), person, Facts(_exists(person)))
    return enforce(who, decision, patient_id=person), person


def guard_appointment(appointment_id: str) -> tuple[Principal, Visit]:
    """Opening a consultation: on duty at this appointment's site, in its week."""
    who = caller()
    visit = Visit.objects(id=appointment_id).first()
    if visit is None:
        enforce(
            who, missing(who.role, "appointment", DOCTORS), what=("appointment", appointment_id)
        )

    def here(who: Principal) -> Decision | None:
        if visit.week == clock.this_week() and visit.site_id in on_duty_sites(who.subject):
            return None
        return Decision(
            False, 403, "not on duty at this appointment's site this week", "not_on_duty"
        )

    return guard(visit.patient_id, kind=MEDICAL_WRITE, roles=DOCTORS, check=here)[0], visit


def guard_consultation(consultation_id: str, kind: str) -> tuple[Principal, Consultation]:
    """A consultation: read by a doctor in care; written only by its own doctor."""
    who = caller()
    item = Consultation.objects(id=consultation_id).first()
    if item is None:
        decision = missing(who.role, "consultation", DOCTORS)
        enforce(who, decision, what=("consultation", consultation_id))

    def own(who: Principal) -> Decision | None:
        if kind == MEDICAL_READ or item.doctor_id == who.subject:
            return None
        return Decision(False, 403, NOT_YOURS, "not_yours")

    return guard(item.patient_id, kind=kind, roles=DOCTORS, check=own)[0], item


def _on_duty_at(who: Principal, site_id: str) -> bool:
    return who.role == "doctor" and site_id in on_duty_sites(who.subject)


def guard_site(site_id: str) -> Principal:
    """The site's open list: its doctor on duty (a site-wide entry, patients after)."""
    who = caller()
    return enforce(who, decide_site(who.role, _on_duty_at(who, site_id)), site_id=site_id)


def guard_item(item_id: str) -> tuple[Principal, SiteItem]:
    who = caller()
    item = SiteItem.objects(id=item_id).first()
    if item is None:
        enforce(who, missing(who.role, "item", DOCTORS), what=("item", item_id))
    decision = decide_site(who.role, _on_duty_at(who, item.site_id))
    enforce(who, decision, patient_id=item.patient_id, site_id=item.site_id)
    return who, item


def guard_counters(site_id: str) -> Principal:
    who = caller()
    decision = decide_counters(who.role, who.may_act_on_site(site_id))
    return enforce(who, decision, site_id=site_id)
