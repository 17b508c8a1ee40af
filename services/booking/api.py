"""HTTP views of the booking service: thin, each one calls a use case in handlers.

Patients use it without an account: they see free slots, book online, and
manage their appointment with its reference and the manage token they got once
(``X-Manage-Token`` header, or ``?token=`` from a link), or with a patient token
from the gateway.  Staff (call-centre agents, coordinators, doctors) book by
phone or at the desk, see the agenda, each at the sites where they work.  POSTs
that create accept an ``Idempotency-Key``.  Who may open what: access.py.
Patients themselves (identities, their appointments, their sign-in): patients_api.py.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from chassis.auth import require, require_site
from chassis.idempotent_requests import idempotent
from chassis.problems import NotFound
from services.booking import queries
from services.booking import schemas as s
from services.booking.access import (
    STAFF,
    appointment_for,
    manage_token,
    patient_subject,
    require_act,
    require_read,
    staff,
    staff_everywhere,
    staff_view,
)
from services.booking.documents import (
    BookingSite,
    Motif,
    Slot,
    WaitlistEntry,
)
from services.booking.handlers import (
    appointments,
    motifs,
    patients,
    visits,
    waitlist,
)
from services.booking.patients_api import blp as patients_blp

blp = Blueprint("booking", __name__, url_prefix="/", description="Slots, appointments, patients.")
blp.register_blueprint(patients_blp)


# -- slots -------------------------------------------------------------------
@blp.route("/slots")
class Slots(MethodView):
    @blp.arguments(s.SlotArgs, location="query")
    @blp.response(200, s.SlotOut(many=True))
    def get(self, args):
        """Free slots of a site (a centre, or a bus stop with stop_id), earliest first."""
        return queries.free_slots(args, online=not staff_view(args["site_id"]))


@blp.route("/slots/nearest")
class Nearest(MethodView):
    @blp.arguments(s.NearestArgs, location="query")
    @blp.response(200, s.SlotOut(many=True))
    def get(self, args):
        """The first free slots at any site or stop within ``km`` of a point."""
        return queries.nearest(args, online=not staff_everywhere())


@blp.route("/sites/<site_id>/motifs")
class Motifs(MethodView):
    @blp.response(200, s.MotifOut(many=True))
    def get(self, site_id):
        """The site's visit reasons (online ones only, but for staff working there)."""
        query = {"site_id": site_id, "active": True}
        if not staff_view(site_id):
            query["online"] = True
        return Motif.objects(**query).order_by("label")


@blp.route("/sites/<site_id>/motifs/<code>")
class MotifOne(MethodView):
    @blp.arguments(s.MotifIn)
    @blp.response(200, s.MotifOut)
    def put(self, data, site_id, code):
        require_site(require("coordinator", "operator"), site_id)
        if data["code"] != code:
            abort(422, message="code differs from the URL", errors={"json": {"code": ["mismatch"]}})
        return motifs.upsert(site_id, data)


@blp.route("/sites/<site_id>/settings")
class SiteSettings(MethodView):
    @blp.arguments(s.SiteSettingsIn)
    @blp.response(200, s.SiteSettingsOut)
    def put(self, data, site_id):
        """The site's online-cancellation cut-off (hours before the appointment)."""
        require_site(require("coordinator", "operator"), site_id)
        updated = BookingSite.objects(id=site_id).update_one(
            set__cancel_cutoff_hours=data["cancel_cutoff_hours"]
        )
        if not updated:
            raise NotFound("site", site_id)
        motifs.forget_cached()
        return {"site_id": site_id, **data}


# -- appointments ------------------------------------------------------------
@blp.route("/appointments")
class Appointments(MethodView):
    @blp.arguments(s.IdempotencyHeaders, location="headers")
    @idempotent("appointments")
    @blp.arguments(s.BookingIn)
    @blp.response(201, s.BookedOut)
    def post(self, _headers, data):
        """Book a slot. Patients book online; staff by phone or at the desk, where they work.

        Declared traits (``patient``) always make a new, provisional identity; staff
        book for a patient they found by search (``patient_id``)."""
        who = staff()
        _may_book_for(who, data.get("patient_id"))
        slot = _slot_to_act_on(who, data["slot_id"])
        channel = data["channel"] if who else "online"
        appointment, token = appointments.book(
            data,
            channel=channel,
            by=who.subject if who else None,
            staff=who is not None,
            first=slot,
        )
        appointment.manage_token = token
        return appointment


def _may_book_for(who, patient_id: str | None) -> None:
    """An existing patient is booked for by staff, or by that patient's own account."""
    if patient_id is None or who is not None or patient_subject() == patient_id:
        return
    abort(
        403,
        message="only staff (or the patient's own account) book for an existing patient",
        code="patient_id_for_staff",
    )


def _slot_to_act_on(who, slot_id: str) -> Slot | None:
    """Staff book and move only in the slot's site-week: the slot, read once and handed
    to the use case; None for patients (the use case reads it)."""
    if who is None:
        return None
    slot = visits.slot(slot_id)
    require_act(who, slot.site_id, slot.week)
    return slot


@blp.route("/appointments/<reference>")
class AppointmentOne(MethodView):
    @blp.arguments(s.ManageHeaders, location="headers")
    @blp.response(200, s.AppointmentOut)
    def get(self, _headers, reference):
        """An appointment, by its reference (patients: with the manage token, or their own
        with a patient token)."""
        return appointment_for(reference, acting=False)[0]


@blp.route("/appointments/<reference>/cancel")
class Cancel(MethodView):
    @blp.arguments(s.ManageHeaders, location="headers")
    @blp.response(200, s.AppointmentOut)
    def post(self, _headers, reference):
        """Cancel (patients: before the site's cut-off; staff: any time)."""
        appointment, who = appointment_for(reference, acting=True)
        by = who.subject if who else "patient"
        return appointments.cancel(appointment, by=by, staff=who is not None)


@blp.route("/appointments/<reference>/move")
class Move(MethodView):
    @blp.arguments(s.ManageHeaders, location="headers")
    @blp.arguments(s.MoveIn)
    @blp.response(200, s.AppointmentOut)
    def post(self, _headers, data, reference):
        """Move to another free slot: the old one is kept until the new one is held."""
        appointment, who = appointment_for(reference, acting=True)
        slot = _slot_to_act_on(who, data["slot_id"])
        by = who.subject if who else "patient"
        return appointments.move(
            appointment, data["slot_id"], by=by, staff=who is not None, first=slot
        )


def _staff_transition(reference: str, target: str):
    """Check in, no-show, complete: staff of its site-week, whatever token a patient holds."""
    who = require(*STAFF)
    appointment = appointments.by_reference(reference)
    require_act(who, appointment.site_id, appointment.week)
    return appointments.transition(appointment, target, by=who.subject)


@blp.route("/appointments/<reference>/check-in")
class CheckIn(MethodView):
    @blp.response(200, s.AppointmentOut)
    def post(self, reference):
        return _staff_transition(reference, "checked_in")


@blp.route("/appointments/<reference>/no-show")
class NoShow(MethodView):
    @blp.response(200, s.AppointmentOut)
    def post(self, reference):
        return _staff_transition(reference, "no_show")


@blp.route("/appointments/<reference>/complete")
class Complete(MethodView):
    @blp.response(200, s.AppointmentOut)
    def post(self, reference):
        return _staff_transition(reference, "completed")


@blp.route("/agenda")
class Agenda(MethodView):
    @blp.arguments(s.AgendaArgs, location="query")
    @blp.response(200, s.AgendaOut)
    def get(self, args):
        """A day's appointments at a site, with who is coming (staff working there)."""
        require_read(require(*STAFF), args["site_id"])
        return {
            "site_id": args["site_id"],
            "day": args["day"].isoformat(),
            "appointments": queries.agenda(args["site_id"], args["day"]),
        }


# -- waiting list ---------------------------------------------------------------
@blp.route("/waitlist")
class Waitlist(MethodView):
    @blp.arguments(s.WaitlistQuery, location="query")
    @blp.response(200, s.WaitlistOut(many=True))
    def get(self, args):
        """A site's waiting list, oldest first (staff working there)."""
        require_read(require(*STAFF), args["site_id"])
        return WaitlistEntry.objects(
            site_id=args["site_id"], status__in=["waiting", "offered"]
        ).order_by("created_at")

    @blp.arguments(s.IdempotencyHeaders, location="headers")
    @idempotent("waitlist")
    @blp.arguments(s.WaitlistIn)
    @blp.response(201, s.WaitlistOut)
    def post(self, _headers, data):
        """Join a site's waiting list when nothing suits; a freed slot will be offered."""
        motifs.site(data["site_id"])  # 404 for an unknown site
        motifs.get(data["site_id"], data["motif"])
        who = staff()
        _may_book_for(who, data.get("patient_id"))
        if who is not None:  # staff put people on the lists of their own sites
            require_read(who, data["site_id"])
        if data.get("patient_id"):
            patient = patients.live(data["patient_id"])
        else:  # a new person: a provisional identity of their own
            patient = patients.register_now(data["patient"], via="waitlist")
        entry, token = waitlist.join(data["site_id"], patient, data["motif"], data["latest_date"])
        entry.token = token
        return entry


@blp.route("/waitlist/<entry_id>")
class WaitlistOne(MethodView):
    @blp.arguments(s.ManageHeaders, location="headers")
    @blp.response(200, s.WaitlistOut)
    def get(self, _headers, entry_id):
        """A waiting-list entry and the offer it holds (with the entry's token)."""
        return waitlist.get(entry_id, manage_token() or "")

    @blp.arguments(s.ManageHeaders, location="headers")
    @blp.response(204)
    def delete(self, _headers, entry_id):
        """Leave the waiting list (with the entry's token)."""
        waitlist.leave(waitlist.get(entry_id, manage_token() or ""))


def _entry_with_token(entry_id: str, **_):
    """The entry, opened with its token; kept on ``flask.g`` for the view."""
    g.waitlist_entry = waitlist.get(entry_id, manage_token() or "")
    return g.waitlist_entry


@blp.route("/waitlist/<entry_id>/accept")
class Accept(MethodView):
    @blp.arguments(s.AcceptHeaders, location="headers")
    @idempotent("waitlist-accept", before=_entry_with_token)
    @blp.arguments(s.AcceptIn)
    @blp.response(201, s.BookedOut)
    def post(self, _headers, data, entry_id):
        """Take the slot on offer (the first waiting patient to accept gets it)."""
        entry = g.waitlist_entry  # read by _entry_with_token, ahead of the idempotency check
        appointment, token = waitlist.accept(entry)
        appointment.manage_token = token
        return appointment
