"""HTTP views of the rota: assignments and their life cycle, and the coverage they leave.

Registered inside the ``roster`` blueprint (``api.blp``): same routes, same
OpenAPI tag.  Reads are for staff; proposing, confirming, releasing and the
week's logistics are for the site's coordinators (or operators); the week's
doctor sets its pace and writes its handover note.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require, require_site
from chassis.problems import Forbidden
from services.roster import coverage, handlers
from services.roster import schemas as s
from services.roster.calendar import week_calendar
from services.roster.documents import Assignment, Site
from services.roster.domain import IsoWeek, weeks_between
from services.roster.roles import PLANNERS, STAFF

blp = Blueprint("rota", __name__)  # nested in the "roster" blueprint: its OpenAPI tag


def _planner_of(assignment_id: str):
    """The caller, a coordinator of the assignment's site (or an operator)."""
    who = require(*PLANNERS)
    require_site(who, handlers._get(Assignment, assignment_id, "assignment").site_id)
    return who


# -- the rota -----------------------------------------------------------------
@blp.route("/assignments")
class Assignments(MethodView):
    @blp.arguments(s.AssignmentQuery, location="query")
    @blp.response(200, s.AssignmentOut(many=True))
    def get(self, args):
        """The rota, filtered by site, week, doctor or state."""
        require(*STAFF)
        return Assignment.objects(**args).order_by("week", "site_id")

    @blp.arguments(s.AssignmentIn)
    @blp.response(201, s.AssignmentOut)
    def post(self, data):
        """Propose a doctor for a site-week, or confirm at once (``confirm: true``)."""
        who = require(*PLANNERS)
        require_site(who, data["site_id"])
        return handlers.assign(
            data["site_id"],
            data["week"],
            data["doctor_id"],
            confirm=data["confirm"],
            by=who.subject,
            override_reason=data.get("override_rpps_reason"),
        )


@blp.route("/assignments/<assignment_id>")
class AssignmentOne(MethodView):
    @blp.response(200, s.AssignmentOut)
    def get(self, assignment_id):
        require(*STAFF)
        assignment = handlers._get(Assignment, assignment_id, "assignment")
        site = handlers._get(Site, assignment.site_id, "site")
        assignment.calendar = week_calendar(site, IsoWeek.parse(assignment.week))
        return assignment


@blp.route("/assignments/<assignment_id>/confirm")
class AssignmentConfirm(MethodView):
    @blp.arguments(s.ConfirmIn)
    @blp.response(200, s.AssignmentOut)
    def post(self, data, assignment_id):
        who = _planner_of(assignment_id)
        return handlers.confirm(
            assignment_id, by=who.subject, override_reason=data.get("override_rpps_reason")
        )


@blp.route("/assignments/<assignment_id>/release")
class AssignmentRelease(MethodView):
    @blp.arguments(s.ReleaseIn)
    @blp.response(200, s.AssignmentOut)
    def post(self, data, assignment_id):
        who = _planner_of(assignment_id)
        return handlers.release(assignment_id, reason=data["reason"], by=who.subject)


@blp.route("/assignments/<assignment_id>/complete")
class AssignmentComplete(MethodView):
    @blp.response(200, s.AssignmentOut)
    def post(self, assignment_id):
        who = _planner_of(assignment_id)
        return handlers.complete(assignment_id, by=who.subject)


@blp.route("/assignments/<assignment_id>/settings")
class AssignmentSettings(MethodView):
    @blp.arguments(s.SettingsIn)
    @blp.response(200, s.AssignmentOut)
    def patch(self, changes, assignment_id):
        """Pace, held-back capacity, home visits (the coordinator, or the week's doctor)."""
        who = require("doctor", *PLANNERS)
        assignment = handlers._get(Assignment, assignment_id, "assignment")
        if who.role == "doctor":
            if assignment.doctor_id != who.subject:
                raise Forbidden("not_yours", "a doctor sets the pace of their own week")
        else:
            require_site(who, assignment.site_id)
        return handlers.update_settings(assignment_id, changes, by=who.subject)


@blp.route("/assignments/<assignment_id>/logistics")
class AssignmentLogistics(MethodView):
    @blp.arguments(s.LogisticsIn)
    @blp.response(200, s.AssignmentOut)
    def put(self, data, assignment_id):
        """The welcome checklist: housing, vehicle, booklet, arrival (coordinators)."""
        _planner_of(assignment_id)
        return handlers.set_logistics(assignment_id, data)


@blp.route("/assignments/<assignment_id>/handover")
class AssignmentHandover(MethodView):
    @blp.arguments(s.HandoverIn)
    @blp.response(200, s.AssignmentOut)
    def put(self, data, assignment_id):
        """The outgoing doctor's note for next week's doctor."""
        who = require("doctor")
        assignment = handlers._get(Assignment, assignment_id, "assignment")
        if assignment.doctor_id != who.subject:
            raise Forbidden("not_yours", "only this week's doctor writes its handover note")
        return handlers.write_handover(assignment_id, data["text"], by=who.subject)


# -- coverage -----------------------------------------------------------------
def _weeks(args) -> list[IsoWeek]:
    return weeks_between(IsoWeek.of(args["start"]), IsoWeek.of(args["end"]))


@blp.route("/coverage/gaps")
class Gaps(MethodView):
    @blp.arguments(s.RangeArgs, location="query")
    @blp.response(200, s.GapOut(many=True))
    def get(self, args):
        """Site-weeks with no confirmed doctor between two dates (all sites, or site_id=...)."""
        require(*STAFF)
        return coverage.gaps(args["site_id"], _weeks(args))


@blp.route("/coverage/matrix")
class Matrix(MethodView):
    @blp.arguments(s.RangeArgs, location="query")
    @blp.response(200, s.MatrixOut)
    def get(self, args):
        """Sites by weeks: the doctor of each confirmed week, or a gap."""
        require(*STAFF)
        return coverage.matrix(args["site_id"], _weeks(args))
