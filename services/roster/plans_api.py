"""HTTP views of the planner: start a plan, read it, confirm some or all of its proposals.

For the sites' coordinators (and operators).  Starting a plan answers 202 at
once with the plan's id; the roster worker solves it; the plan is read until
its status is ``done`` (or ``failed``).
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require, require_site
from services.roster import plan_schemas as s
from services.roster import plans
from services.roster.documents import Doctor, Plan, Site
from services.roster.domain import IsoWeek
from services.roster.roles import PLANNERS

blp = Blueprint(
    "planner", __name__, url_prefix="/", description="The rota planner: proposals from offers."
)


def _visible(plan: Plan, who) -> Plan:
    for site_id in plan.site_ids:
        require_site(who, site_id)
    return plan


def _named(plan: Plan) -> Plan:
    """Proposals with the site's and the doctor's names, for people to read."""
    doctors = {
        d.id: d.display_name for d in Doctor.objects(id__in=[p.doctor_id for p in plan.proposals])
    }
    sites = dict(Site.objects(id__in=plan.site_ids).scalar("id", "name"))
    for proposal in plan.proposals:
        proposal.doctor_name = doctors.get(proposal.doctor_id, proposal.doctor_id)
        proposal.site_name = sites.get(proposal.site_id, proposal.site_id)
    for gap in plan.gaps:
        gap["site_name"] = sites.get(gap["site_id"], gap["site_id"])
    return plan


@blp.route("/plans")
class Plans(MethodView):
    @blp.response(200, s.PlanSummaryOut(many=True))
    def get(self):
        """The latest plans over sites the caller coordinates."""
        who = require(*PLANNERS)
        latest = Plan.objects.order_by("-created_at").exclude("proposals", "gaps")[:50]
        return [p for p in latest if all(who.may_act_on_site(site) for site in p.site_ids)]

    @blp.arguments(s.PlanIn)
    @blp.response(202, s.PlanOut)
    def post(self, data):
        """Start a plan over a range of ISO weeks (all the caller's sites by default)."""
        who = require(*PLANNERS)
        site_ids = data.get("site_ids")
        if site_ids is None:
            site_ids = list(Site.objects.scalar("id")) if who.every_site else list(who.sites)
        for site_id in site_ids:
            require_site(who, site_id)
        plan = plans.request_plan(
            site_ids,
            IsoWeek.parse(data["first"]),
            IsoWeek.parse(data["last"]),
            seconds=data["seconds"],
            by=who.subject,
        )
        return plan, 202, {"Location": f"plans/{plan.id}"}


@blp.route("/plans/<plan_id>")
class PlanOne(MethodView):
    @blp.response(200, s.PlanOut)
    def get(self, plan_id):
        """A plan: its status, proposals, open gaps with their reasons, optimality."""
        who = require(*PLANNERS)
        return _named(_visible(plans.get_plan(plan_id), who))


@blp.route("/plans/<plan_id>/confirm")
class PlanConfirm(MethodView):
    @blp.arguments(s.PlanConfirmIn)
    @blp.response(200, s.PlanConfirmOut)
    def post(self, data, plan_id):
        """Confirm all proposals, or those listed; each answers like a manual confirmation."""
        who = require(*PLANNERS)
        plan = _visible(plans.get_plan(plan_id), who)
        results = plans.confirm_proposals(plan, data.get("proposal_ids"), by=who.subject)
        return {
            "plan_id": plan.id,
            "confirmed": sum(1 for r in results if r["status"] in (200, 201)),
            "refused": sum(1 for r in results if r["status"] >= 400),
            "results": results,
        }
