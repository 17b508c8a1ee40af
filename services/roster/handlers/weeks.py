"""One doctor-week's own settings: pace and capacity (announced), logistics, handover note."""

from __future__ import annotations

from pymongo import ReturnDocument

from chassis import outbox
from services.roster import events
from services.roster.documents import (
    Assignment,
    Doctor,
    HeldBack,
    HomeVisitBlock,
    Logistics,
    Site,
)
from services.roster.domain import COMPLETED, CONFIRMED, PROPOSED, IsoWeek, RuleViolation, now_utc
from services.roster.handlers.common import SERVICE, _get, _modify


def update_settings(assignment_id: str, changes: dict, *, by: str) -> Assignment:
    """Pace, held-back capacity, home visits; a confirmed week announces the new revision."""
    for _ in range(5):  # optimistic: retried when another change landed in between
        assignment = _get(Assignment, assignment_id, "assignment")
        if assignment.state not in (PROPOSED, CONFIRMED):
            raise RuleViolation("not_editable", f"a {assignment.state} week cannot change")
        if "pace" in changes:
            assignment.pace = changes["pace"]
        if "held_back" in changes:
            assignment.held_back = [HeldBack(**h) for h in changes["held_back"]]
        if "home_visits" in changes:
            assignment.home_visits = [HomeVisitBlock(**h) for h in changes["home_visits"]]
        revision = assignment.revision
        assignment.revision = revision + 1
        son = assignment.to_mongo()
        update = {
            "$set": {
                "pace": son["pace"],
                "held_back": son.get("held_back", []),
                "home_visits": son.get("home_visits", []),
                "revision": revision + 1,
                "updated_at": now_utc(),
            }
        }
        if assignment.state == CONFIRMED:
            site = _get(Site, assignment.site_id, "site")
            doctor = _get(Doctor, assignment.doctor_id, "doctor")
            update |= outbox.push(events.week_updated(assignment, site, doctor))
        changed = Assignment._get_collection().find_one_and_update(
            {"_id": assignment_id, "revision": revision, "state": assignment.state},
            update,
            return_document=ReturnDocument.AFTER,
        )
        if changed is not None:
            outbox.notify(SERVICE)
            return Assignment._from_son(changed)
    raise RuleViolation("conflict", "the week kept changing; try again")


def set_logistics(assignment_id: str, data: dict) -> Assignment:
    return _modify(
        Assignment,
        assignment_id,
        "assignment",
        set__logistics=Logistics(**data),
        set__updated_at=now_utc(),
    )


def write_handover(assignment_id: str, text: str, *, by: str) -> Assignment:
    return _modify(
        Assignment,
        assignment_id,
        "assignment",
        set__handover_note={"text": text, "author_id": by, "written_at": now_utc()},
    )


def handover_for(site_id: str, week: str) -> dict | None:
    """The note the previous week's doctor left for this week's one."""
    previous = IsoWeek.parse(week).next(-1)
    before = Assignment.objects(
        site_id=site_id, week=str(previous), state__in=[CONFIRMED, COMPLETED]
    ).first()
    if before is None or not before.handover_note:
        return None
    return {"from_week": str(previous), "doctor_id": before.doctor_id, **before.handover_note}


def on_duty(doctor_id: str, site_id: str, week: str) -> bool:
    """Is this doctor confirmed at this site for this week (the one a handover is for)?"""
    return (
        Assignment.objects(
            site_id=site_id, week=week, doctor_id=doctor_id, state__in=[CONFIRMED, COMPLETED]
        ).count()
        > 0
    )
