"""The rota: assign, confirm, release, complete a doctor-week at a site.

Each rule two concurrent requests could race on is decided by one atomic
database operation: unique indexes for "one doctor per site-week" and "one
site per doctor-week", a conditional update for state changes.  The events
announcing a change ride in the same single-document write (outbox).
"""

from __future__ import annotations

import uuid

from mongoengine.errors import NotUniqueError
from pymongo import ReturnDocument

from chassis import outbox
from services.roster import events
from services.roster.documents import Assignment, Doctor, Logistics, Site
from services.roster.domain import (
    COMPLETED,
    CONFIRMED,
    PROPOSED,
    RELEASED,
    IsoWeek,
    RuleViolation,
    check_transition,
    now_utc,
)
from services.roster.handlers.common import SERVICE, _get, today
from services.roster.handlers.doctors import rpps_known
from services.roster.handlers.gaps import announce_gaps, close_gap


def _conflict(assignment: Assignment) -> dict:
    return {
        "id": assignment.id,
        "site_id": assignment.site_id,
        "week": assignment.week,
        "doctor_id": assignment.doctor_id,
        "state": assignment.state,
    }


def _check_confirmable(site: Site, doctor: Doctor, week: str, override_reason, by: str) -> dict:
    """The rules a confirmation must meet; returns the RPPS override to record, if any."""
    if IsoWeek.parse(week).is_past(today()):
        raise RuleViolation("week_in_past", f"week {week} is over: it cannot be confirmed")
    if doctor.profession not in site.professions:
        raise RuleViolation(
            "profession_not_accepted",
            f"{site.name} takes {', '.join(site.professions)}, not {doctor.profession}",
        )
    if rpps_known(doctor.rpps):
        return {}
    if not override_reason:
        raise RuleViolation(
            "rpps_unknown",
            "the directory does not know this doctor's RPPS number; a coordinator may "
            "override with a reason",
            rpps=doctor.rpps,
        )
    return {"by": by, "reason": override_reason, "at": now_utc()}


def assign(
    site_id: str,
    week: str,
    doctor_id: str,
    *,
    confirm: bool,
    by: str,
    override_reason: str | None = None,
) -> Assignment:
    site = _get(Site, site_id, "site")
    doctor = _get(Doctor, doctor_id, "doctor")
    override = {}
    if confirm:
        override = _check_confirmable(site, doctor, week, override_reason, by)
    elif IsoWeek.parse(week).is_past(today()):
        raise RuleViolation("week_in_past", f"week {week} is over")
    now = now_utc()
    state = CONFIRMED if confirm else PROPOSED
    assignment = Assignment(
        id=f"asg-{uuid.uuid4().hex[:12]}",
        site_id=site_id,
        week=week,
        doctor_id=doctor_id,
        state=state,
        site_week=f"{site_id}|{week}",
        doctor_week=f"{doctor_id}|{week}",
        rpps_override=override,
        logistics=Logistics(),
        history=[{"state": state, "at": now, "by": by}],
        created_at=now,
        updated_at=now,
    )
    if confirm:
        assignment.announce(events.week_confirmed(assignment, site, doctor))
    try:
        assignment.save(force_insert=True)
    except NotUniqueError:
        raise _occupied(site_id, week, doctor_id) from None
    if confirm:
        close_gap(site_id, week)
    outbox.notify(SERVICE)
    return assignment


def _occupied(site_id: str, week: str, doctor_id: str) -> RuleViolation:
    taken = Assignment.objects(site_week=f"{site_id}|{week}").first()
    if taken:
        return RuleViolation(
            "site_week_taken",
            f"{site_id} already has a doctor for {week}",
            conflict=_conflict(taken),
        )
    busy = Assignment.objects(doctor_week=f"{doctor_id}|{week}").first()
    if busy:
        return RuleViolation(
            "doctor_busy",
            f"this doctor is already at {busy.site_id} in {week}",
            conflict=_conflict(busy),
        )
    return RuleViolation("conflict", "the rota changed meanwhile; try again")


def _transition(assignment_id: str, expected: str, update: dict) -> Assignment:
    """Apply ``update`` only if the assignment is still in ``expected`` state."""
    collection = Assignment._get_collection()
    doc = collection.find_one_and_update(
        {"_id": assignment_id, "state": expected},
        update,
        return_document=ReturnDocument.AFTER,
    )
    if doc is None:
        current = _get(Assignment, assignment_id, "assignment")
        check_transition(current.state, update["$set"]["state"])
        raise RuleViolation("conflict", "the assignment changed meanwhile; try again")
    outbox.notify(SERVICE)
    return Assignment._from_son(doc)


def confirm(assignment_id: str, *, by: str, override_reason: str | None = None) -> Assignment:
    assignment = _get(Assignment, assignment_id, "assignment")
    check_transition(assignment.state, CONFIRMED)
    site = _get(Site, assignment.site_id, "site")
    doctor = _get(Doctor, assignment.doctor_id, "doctor")
    override = _check_confirmable(site, doctor, assignment.week, override_reason, by)
    now = now_utc()
    event = events.week_confirmed(assignment, site, doctor)
    update = {
        "$set": {"state": CONFIRMED, "rpps_override": override, "updated_at": now},
        **outbox.push(event),
    }
    update["$push"]["history"] = {"state": CONFIRMED, "at": now, "by": by}
    done = _transition(assignment_id, PROPOSED, update)
    close_gap(done.site_id, done.week)
    return done


def release(assignment_id: str, *, reason: str, by: str) -> Assignment:
    assignment = _get(Assignment, assignment_id, "assignment")
    check_transition(assignment.state, RELEASED)
    now = now_utc()
    update = {
        "$set": {"state": RELEASED, "released_reason": reason, "updated_at": now},
        "$unset": {"site_week": "", "doctor_week": ""},
        "$push": {"history": {"state": RELEASED, "at": now, "by": by, "reason": reason}},
    }
    if assignment.state == CONFIRMED:
        update = outbox.with_events(update, events.week_released(assignment, reason))
    done = _transition(assignment_id, assignment.state, update)
    if assignment.state == CONFIRMED:
        announce_gaps([done.site_id], [IsoWeek.parse(done.week)])
    return done


def complete(assignment_id: str, *, by: str) -> Assignment:
    assignment = _get(Assignment, assignment_id, "assignment")
    check_transition(assignment.state, COMPLETED)
    if not IsoWeek.parse(assignment.week).days()[0] <= today():
        raise RuleViolation("week_not_started", "a week is completed once it has started")
    now = now_utc()
    return _transition(
        assignment_id,
        CONFIRMED,
        {
            "$set": {"state": COMPLETED, "updated_at": now},
            "$push": {"history": {"state": COMPLETED, "at": now, "by": by}},
        },
    )
