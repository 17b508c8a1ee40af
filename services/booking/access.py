"""Who is asking the booking API, and what they may open.

Patients: a patient opens an appointment with its manage token
(``X-Manage-Token`` header, or ``?token=`` from a link) or with the gateway's
token for that one appointment (scope ``appointment``), and their own
appointments, identity and contact with a token of their account (scope
``account``, subject = their patient id; signed in with a one-time code sent to
the contact staff recorded at validation).  Anything else looks like an unknown
reference (404).  For the public parts (slots, reasons, booking online) a
patient token is the same as no token: it never names the patient booked for.

Staff act only where they work (the object, not just the role):

* agents (the call centre) and operators work for every site;
* a coordinator, for the sites of the token's ``sites`` claim (``*``: all);
* a doctor (token subject = doctor id) *acts* (books, cancels, moves, checks
  in, no-show, completes) only on the site-weeks they hold, a confirmed roster
  week as booking last heard it from the roster; they *read* (an appointment,
  the agenda, the waiting list, the staff view of slots and reasons) at the
  sites where they hold one, to prepare their week and follow up the previous.

Anywhere else is a 403, before anything is written.  Reads that list (a
patient's appointments) keep only the caller's sites rather than refuse.
"""

from __future__ import annotations

from datetime import timedelta

from flask import request
from flask_smorest import abort

from chassis.auth import Principal, principal, require
from chassis.problems import NotFound
from services.booking.documents import Appointment, WeekState
from services.booking.domain import now_utc
from services.booking.handlers import appointments, patients

STAFF = ("agent", "coordinator", "doctor", "operator")
EVERY_SITE = ("agent", "operator")


def staff() -> Principal | None:
    """The caller if staff; None for anybody else (anonymous, or a patient token)."""
    who = principal()
    return who if who is not None and who.role in STAFF else None


def patient_subject() -> str | None:
    """The patient id of a patient's account token, if that is what the caller holds."""
    who = principal()
    return who.patient_id if who is not None else None


def appointment_scope() -> str | None:
    """The reference of the one appointment a patient token opens, if that is it."""
    who = principal()
    return who.appointment_reference if who is not None else None


def manage_token() -> str | None:
    return request.headers.get("X-Manage-Token") or request.args.get("token")


# -- where staff work -----------------------------------------------------------
def _held_sites(doctor_id: str) -> set[str]:
    """The sites where this doctor holds a week (confirmed, not released)."""
    found = WeekState._get_collection().find(
        {"doctor_id": doctor_id, "status": "confirmed"}, {"_id": 1}
    )
    return {doc["_id"].rsplit("|", 1)[0] for doc in found}


def readable_sites(who: Principal) -> set[str] | None:
    """The sites whose people this staff member may see; None for every site."""
    if who.role in EVERY_SITE or (who.role == "coordinator" and who.every_site):
        return None
    if who.role == "coordinator":
        return set(who.sites)
    if who.role == "doctor":
        return _held_sites(who.subject)
    return set()


def may_read(who: Principal, site_id: str) -> bool:
    sites = readable_sites(who)
    return sites is None or site_id in sites


def may_act(who: Principal, site_id: str, week: str) -> bool:
    """May this staff member book, cancel, move or check in at this site in this week?"""
    if who.role == "doctor":
        held = {"_id": f"{site_id}|{week}", "doctor_id": who.subject, "status": "confirmed"}
        return WeekState._get_collection().count_documents(held, limit=1) > 0
    return who.role in EVERY_SITE or (who.role == "coordinator" and who.may_act_on_site(site_id))


def _refuse(who: Principal) -> None:
    if who.role == "doctor":
        abort(403, message="you are not the doctor of this site that week", code="not_your_site")
    abort(403, message="you do not work for this site", code="not_your_site")


def require_read(who: Principal, site_id: str) -> None:
    if not may_read(who, site_id):
        _refuse(who)


def require_act(who: Principal, site_id: str, week: str) -> None:
    if not may_act(who, site_id, week):
        _refuse(who)


def staff_view(site_id: str) -> bool:
    """Staff-only reasons and held-back slots: for staff who work at this site."""
    who = staff()
    return who is not None and may_read(who, site_id)


def staff_everywhere() -> bool:
    who = staff()
    return who is not None and readable_sites(who) is None


# -- appointments and patients --------------------------------------------------
def appointment_for(reference: str, *, acting: bool):
    """The appointment and the staff caller (None for a patient).  Staff must work at
    its site (reading) or in its site-week (``acting``)."""
    who = staff()
    if who is not None:
        appointment = appointments.by_reference(reference)
        if acting:
            require_act(who, appointment.site_id, appointment.week)
        else:
            require_read(who, appointment.site_id)
        return appointment, who
    token, subject, scoped = manage_token(), patient_subject(), appointment_scope()
    if not (token or subject or scoped):
        raise NotFound("appointment", reference)
    own = patients.group(subject) if subject else ()
    return appointments.for_patient(reference, token, own, scoped), None


def own_patient(patient_id: str) -> set[str] | None:
    """Staff see a patient at their sites (the sites to show; None: all of them); a
    patient's account only its own patient (all of it).  Anyone else: 404, as for a
    patient that does not exist (anonymous: 401)."""
    who = staff()
    if who is not None:
        return readable_sites(who)
    if patient_subject() != patient_id:
        if principal() is None:
            require("patient")  # anonymous: the usual 401
        raise NotFound("patient", patient_id)
    return None


def _patient_sites(patient_ids: list[str]) -> set[str]:
    """Where these identities have (had) an appointment that was not cancelled."""
    query = {"patient_id": {"$in": patient_ids}, "status": {"$ne": "cancelled"}}
    return set(Appointment._get_collection().distinct("site_id", query))


def require_patient(who: Principal, patient_id: str) -> None:
    """Staff act on an identity they may see: a patient of one of their sites (agents
    and operators: every patient).  Refused before anything is written."""
    sites = readable_sites(who)
    if sites is None:
        return
    if not sites & _patient_sites(patients.group(patient_id)):
        abort(403, message="this patient is not one of your sites'", code="not_your_patient")


DESK_HOURS = 12


def require_at_the_desk(who: Principal, *patient_ids: str) -> None:
    """Validating or merging an identity needs the person at the desk: an appointment of
    one of these identities (or of those merged into them) checked in during the last
    DESK_HOURS hours, in a site-week where the caller acts.  A call centre can book, move
    and cancel; it cannot tell from a voice whose identity document it would be."""
    ids = sorted({i for patient_id in patient_ids for i in patients.group(patient_id)})
    since = now_utc() - timedelta(hours=DESK_HOURS)
    seen = Appointment._get_collection().find(
        {"patient_id": {"$in": ids}, "status": {"$in": ["checked_in", "completed"]}},
        {"site_id": 1, "week": 1, "history": 1},
    )
    for doc in seen:
        arrived = [
            h
            for h in doc.get("history", [])
            if h.get("status") == "checked_in" and h["at"] >= since
        ]
        if arrived and may_act(who, doc["site_id"], doc["week"]):
            return
    abort(
        403,
        message="identities are validated at the desk: note the patient's arrival first",
        code="not_at_the_desk",
    )
