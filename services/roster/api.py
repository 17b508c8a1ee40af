"""HTTP views of the roster service: thin, each one calls a use case in handlers.

Reads of sites and their weekly calendars are public (patients choose a centre
or a bus stop); everything else needs a staff token.  Writes are for the
site's coordinators (or operators); a doctor offers their own weeks, sets the
pace of their own week and writes its handover note.  The rota (assignments)
and its coverage are in ``rota_api``, a blueprint nested in this one.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from chassis.auth import require, require_site
from chassis.problems import Forbidden
from services.roster import handlers
from services.roster import schemas as s
from services.roster import week_schemas as ws
from services.roster.calendar import week_calendar
from services.roster.documents import Doctor, Offer, Site
from services.roster.domain import IsoWeek
from services.roster.roles import PLANNERS, STAFF
from services.roster.rota_api import blp as rota_blp

blp = Blueprint("roster", __name__, url_prefix="/", description="Sites, doctors, offers, the rota.")
blp.register_blueprint(rota_blp)


def _site(site_id: str) -> Site:
    return handlers._get(Site, site_id, "site")


def _week(text: str) -> IsoWeek:
    try:
        return IsoWeek.parse(text)
    except ValueError as exc:
        abort(422, message=str(exc), errors={"path": {"week": [str(exc)]}})


# -- sites --------------------------------------------------------------------
@blp.route("/sites")
class Sites(MethodView):
    @blp.response(200, s.SiteOut(many=True))
    def get(self):
        """All sites: centres and mobile units with their stops (public)."""
        return Site.objects.order_by("name")

    @blp.arguments(s.SiteIn)
    @blp.response(201, s.SiteOut)
    def post(self, data):
        """Open a site (operators)."""
        require("operator")
        return handlers.register_site(data)


@blp.route("/sites/<site_id>")
class SiteOne(MethodView):
    @blp.response(200, s.SiteOut)
    def get(self, site_id):
        return _site(site_id)

    @blp.arguments(s.SitePatch)
    @blp.response(200, s.SiteOut)
    def patch(self, changes, site_id):
        """Change a site's hours, Thursday closure, stops (its coordinators)."""
        require_site(require(*PLANNERS), site_id)
        return handlers.update_site(site_id, changes)


@blp.route("/sites/<site_id>/weeks/<week>/calendar")
class SiteCalendar(MethodView):
    @blp.response(200, ws.CalendarOut)
    def get(self, site_id, week):
        """The site's opening periods (UTC) and closed days for an ISO week (public)."""
        iso_week = _week(week)
        return {
            "site_id": site_id,
            "week": str(iso_week),
            **week_calendar(_site(site_id), iso_week),
        }


@blp.route("/sites/<site_id>/weeks/<week>/handover")
class Handover(MethodView):
    @blp.response(200, ws.HandoverOut)
    def get(self, site_id, week):
        """The note last week's doctor left: for this week's doctor and the site's coordinators."""
        who = require("doctor", *PLANNERS)
        _site(site_id)
        iso_week = str(_week(week))
        if who.role != "doctor":
            require_site(who, site_id)
        elif not handlers.on_duty(who.subject, site_id, iso_week):
            raise Forbidden(
                "not_yours", "only the doctor on duty that week reads its handover note"
            )
        return {
            "site_id": site_id,
            "week": iso_week,
            "handover": handlers.handover_for(site_id, iso_week),
        }


# -- doctors ------------------------------------------------------------------
def _doctor_out(doctor: Doctor) -> Doctor:
    doctor.rpps_known = handlers.rpps_known(doctor.rpps)
    return doctor


@blp.route("/doctors")
class Doctors(MethodView):
    @blp.response(200, s.DoctorOut(many=True))
    def get(self):
        require(*STAFF)
        return [_doctor_out(d) for d in Doctor.objects.order_by("family_name")]

    @blp.arguments(s.DoctorIn)
    @blp.response(201, s.DoctorOut)
    def post(self, data):
        """Register a volunteer doctor (coordinators)."""
        require(*PLANNERS)
        return _doctor_out(handlers.register_doctor(data))


@blp.route("/doctors/<doctor_id>")
class DoctorOne(MethodView):
    @blp.response(200, s.DoctorOut)
    def get(self, doctor_id):
        require(*STAFF)
        return _doctor_out(handlers._get(Doctor, doctor_id, "doctor"))


# -- offers -------------------------------------------------------------------
@blp.route("/offers")
class Offers(MethodView):
    @blp.response(200, s.OfferOut(many=True))
    def get(self):
        require("doctor", *PLANNERS)
        return Offer.objects(state="active").order_by("created_at")

    @blp.arguments(s.OfferIn)
    @blp.response(201, s.OfferOut)
    def post(self, data):
        """A doctor offers ISO weeks (their own; coordinators may enter it for them)."""
        who = require("doctor", *PLANNERS)
        if who.role == "doctor":
            data["doctor_id"] = data.get("doctor_id") or who.subject
            if data["doctor_id"] != who.subject:
                raise Forbidden("not_yours", "a doctor offers their own weeks")
        elif not data.get("doctor_id"):
            abort(
                422, message="doctor_id is required", errors={"json": {"doctor_id": ["required"]}}
            )
        return handlers.offer_weeks(data)


@blp.route("/offers/<offer_id>/withdraw")
class OfferWithdraw(MethodView):
    @blp.response(200, s.OfferOut)
    def post(self, offer_id):
        who = require("doctor", *PLANNERS)
        offer = handlers._get(Offer, offer_id, "offer")
        if who.role == "doctor" and offer.doctor_id != who.subject:
            raise Forbidden("not_yours", "a doctor withdraws their own offers")
        return handlers.withdraw_offer(offer_id)
