"""Planner use cases: request a plan, run it in the roster worker, confirm its proposals.

A request only stores a queued ``Plan`` and returns at once.  The roster
worker claims queued plans one at a time (an atomic status change, with a
lease so that a plan whose worker died is taken over), solves them and stores
the proposals and the open gaps with their reasons.

Confirming a proposal is a manual confirmation (``handlers.assign``) with the
same rules and the same database-enforced uniqueness, after one more check:
the proposal must still rest on an active offer and on available housing.
A proposal made stale by a change since planning is refused with 409; the
others are confirmed.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta

from pymongo import ReturnDocument

from chassis.problems import Conflict, Invalid
from services.roster import handlers, plan_input
from services.roster.documents import Offer, Plan, Proposal, Site
from services.roster.domain import IsoWeek, RuleViolation, now_utc, weeks_between

log = logging.getLogger(__name__)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def request_plan(site_ids: list[str], first: IsoWeek, last: IsoWeek, *, seconds: int, by: str):
    if first.is_past(handlers.today()):
        raise Invalid("week_in_past", f"week {first} is over", errors={"json": {"from": ["over"]}})
    known = set(Site.objects(id__in=site_ids).scalar("id"))
    unknown = sorted(set(site_ids) - known)
    if unknown:
        message = f"unknown sites: {', '.join(unknown)}"
        raise Invalid("unknown_sites", message, errors={"json": {"site_ids": [message]}})
    plan = Plan(
        id=f"plan-{uuid.uuid4().hex[:12]}",
        site_ids=sorted(known),
        weeks=[str(w) for w in weeks_between(first, last)],
        time_limit=seconds,
        requested_by=by,
        status="queued",
        created_at=now_utc(),
    )
    plan.save(force_insert=True)
    return plan


def get_plan(plan_id: str) -> Plan:
    return handlers._get(Plan, plan_id, "plan")


# -- in the worker -----------------------------------------------------------
def run_queued_plans() -> list[str]:
    """The worker's periodic task: solve every plan waiting for a worker."""
    done = []
    while (plan := _claim()) is not None:
        _run(plan)
        done.append(plan.id)
    return done


def _claim() -> Plan | None:
    """The oldest plan waiting (or whose worker's lease ran out), now this worker's."""
    collection = Plan._get_collection()
    now = now_utc()
    claim = {
        "$set": {
            "status": "running",
            "claimed_by": WORKER_ID,
            "started_at": now,
            "lease_until": now + timedelta(seconds=60),
        }
    }
    for waiting in ({"status": "queued"}, {"status": "running", "lease_until": {"$lt": now}}):
        doc = collection.find_one_and_update(
            waiting, claim, sort=[("created_at", 1)], return_document=ReturnDocument.AFTER
        )
        if doc is not None:
            return Plan._from_son(doc)
    return None


def _run(plan: Plan) -> None:
    collection = Plan._get_collection()
    mine = {"_id": plan.id, "claimed_by": WORKER_ID}
    lease = now_utc() + timedelta(seconds=plan.time_limit * 3 + 60)
    collection.update_one(mine, {"$set": {"lease_until": lease}})
    try:
        update = _solved(plan)
    except Exception as exc:
        log.exception("plan failed", extra={"plan": plan.id})
        update = {"status": "failed", "error": f"the planner failed: {type(exc).__name__}"}
    update["finished_at"] = now_utc()
    collection.update_one(mine, {"$set": update})


def _solved(plan: Plan) -> dict:
    from services.roster.planner.solver import solve  # OR-Tools: only the worker loads it

    weeks = [IsoWeek.parse(w) for w in plan.weeks]
    given = plan_input.build(plan.site_ids, weeks)
    result = solve(given.instance, seconds=float(plan.time_limit))
    in_scope = set(plan.site_ids)
    doctors = {d.id: d for d in given.instance.doctors}
    proposals = [
        Proposal(
            id=f"p{n}",
            site_id=site,
            week=plan.weeks[week],
            doctor_id=doctor,
            offer_ids=given.offers.get((doctor, week), []),
            continuity=site in doctors[doctor].worked_at,
            preferred=site in doctors[doctor].preferred,
        ).to_mongo()
        for n, (site, week, doctor) in enumerate(result.proposals, start=1)
    ]
    fixed = sum(1 for site, _, _ in given.instance.fixed if site in in_scope)
    solved = result.status in ("OPTIMAL", "FEASIBLE")
    return {
        "status": "done" if solved else "failed",
        "error": None if solved else result.status,
        "proposals": proposals,
        "gaps": [
            {"site_id": g["site"], "week": g["week"], "reason": g["reason"]} for g in result.gaps
        ],
        "result": {
            "optimal": result.optimal,
            "solver_status": result.status,
            "coverage_objective": result.coverage_objective,
            "coverage_bound": result.coverage_bound,
            "site_weeks": len(plan.site_ids) * len(plan.weeks),
            "covered_before": fixed,
            "covered_after": fixed + len(proposals),
            "doctors_considered": len(given.instance.doctors),
            "seconds": round(result.seconds, 2),
        },
    }


# -- confirming --------------------------------------------------------------
def confirm_proposals(plan: Plan, proposal_ids: list[str] | None, *, by: str) -> list[dict]:
    if plan.status != "done":
        raise Conflict("plan_not_ready", f"the plan is {plan.status}", status=plan.status)
    by_id = {p.id: (i, p) for i, p in enumerate(plan.proposals)}
    wanted = proposal_ids if proposal_ids is not None else [p.id for p in plan.proposals]
    missing = [p for p in wanted if p not in by_id]
    if missing:
        message = f"not in this plan: {', '.join(missing)}"
        raise Invalid("unknown_proposals", message, errors={"json": {"proposal_ids": [message]}})
    return [_confirm_one(plan.id, *by_id[p], by=by) for p in dict.fromkeys(wanted)]


def _confirm_one(plan_id: str, index: int, proposal: Proposal, *, by: str) -> dict:
    outcome = {
        "proposal_id": proposal.id,
        "site_id": proposal.site_id,
        "week": proposal.week,
        "doctor_id": proposal.doctor_id,
    }
    try:
        _still_valid(proposal)
        assignment = handlers.assign(
            proposal.site_id, proposal.week, proposal.doctor_id, confirm=True, by=by
        )
    except RuleViolation as refusal:
        if _already_confirmed(refusal, proposal):
            assignment_id = refusal.details["conflict"]["id"]
            _mark(plan_id, index, "confirmed", assignment_id=assignment_id)
            return {**outcome, "status": 200, "assignment_id": assignment_id}
        details = {"code": refusal.code, "message": refusal.message, **refusal.details}
        _mark(plan_id, index, "refused", refusal=details)
        return {**outcome, "status": refusal.status, **details}
    _mark(plan_id, index, "confirmed", assignment_id=assignment.id)
    return {**outcome, "status": 201, "assignment_id": assignment.id}


def _still_valid(proposal: Proposal) -> None:
    """The proposal's ground since planning: an active offer of that week, housing."""
    if not Offer.objects(doctor_id=proposal.doctor_id, state="active", weeks=proposal.week):
        raise RuleViolation(
            "proposal_stale",
            f"the doctor no longer offers {proposal.week} (offer withdrawn since planning)",
            reason="offer_withdrawn",
        )
    if Site.objects(id=proposal.site_id, no_housing_weeks=proposal.week):
        raise RuleViolation(
            "proposal_stale",
            f"no housing at the site in {proposal.week} any more",
            reason="no_housing",
        )


def _already_confirmed(refusal: RuleViolation, proposal: Proposal) -> bool:
    """A retry, or a concurrent confirmation of the same proposal, that already won."""
    conflict = refusal.details.get("conflict") or {}
    return (
        refusal.code == "site_week_taken"
        and conflict.get("doctor_id") == proposal.doctor_id
        and conflict.get("state") == "confirmed"
    )


def _mark(plan_id: str, index: int, state: str, **fields) -> None:
    changes = {f"proposals.{index}.state": state}
    changes |= {f"proposals.{index}.{name}": value for name, value in fields.items()}
    Plan._get_collection().update_one({"_id": plan_id}, {"$set": changes})
