"""Appointments: book, cancel, move, check in, no-show, complete.

Booking is one insert whose ``hold`` (slot ids) and ``patient_hold`` (the
patient's minutes) are unique across active appointments: the database refuses
a second holder, so fifty simultaneous bookings of one slot make one
appointment.  A new patient is registered only after that insert has won, so
a refused booking writes nothing (see handlers/patients.py).  Staff book for a
patient they found (``patient_id``); declared traits always make a new,
provisional identity.
Moving is one conditional update that swaps ``hold``: the old slots are kept
until the new ones are held, so an appointment never has two slots or none.
"""

from __future__ import annotations

import logging
import uuid

from mongoengine.errors import NotUniqueError
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from chassis import outbox
from chassis.problems import NotFound
from services.booking import events
from services.booking.documents import Appointment, Slot
from services.booking.domain import (
    ACTIVE,
    BookingRefused,
    cancellable_online,
    check_transition,
    new_reference,
    new_token,
    now_utc,
    time_buckets,
    token_hash,
    token_matches,
)
from services.booking.handlers import motifs, patients, visits, waitlist

log = logging.getLogger(__name__)
SERVICE = "booking"


def _refusal(exc: DuplicateKeyError, slot_ids) -> BookingRefused:
    pattern = (exc.details or {}).get("keyPattern") or {}
    message = str(exc)
    if "patient_hold" in pattern or "patient_hold" in message:
        return BookingRefused(
            "patient_busy", "this patient already has an appointment at that time"
        )
    return BookingRefused("slot_taken", "this slot has just been booked", slot_ids=list(slot_ids))


def book(
    data: dict, *, channel: str, by: str | None, staff: bool, first: Slot | None = None
) -> tuple[Appointment, str | None]:
    """Book a slot; returns the appointment and, for online bookings, its manage token.

    ``first``: the slot ``data["slot_id"]`` names, when the caller has read it already."""
    if first is None:
        first = visits.slot(data["slot_id"])
    motif = motifs.get(first.site_id, data["motif"])
    slots = visits.slots_for(first, motif.duration_slots)
    visits.check_bookable(slots, motif, staff=staff)
    slot_ids, start, end = [s.id for s in slots], slots[0].start, slots[-1].end
    if data.get("patient_id"):  # staff found them (or the patient's own account)
        patient_id, new_patient = patients.live(data["patient_id"]).id, None
    else:  # declared traits: a provisional identity of its own, whoever matches them
        new_patient = patients.draft(data["patient"], via=channel)
        patient_id = new_patient["_id"]
    site = motifs.site(first.site_id)
    token = new_token() if channel == "online" else None
    now = now_utc()
    for _ in range(5):  # a reference collision is retried with another one
        appointment = Appointment(
            id=f"apt-{uuid.uuid4().hex[:12]}",
            reference=new_reference(site.code),
            token_hash=token_hash(token) if token else None,
            patient_id=patient_id,
            pending_patient=new_patient,
            site_id=first.site_id,
            week=first.week,
            slot_ids=slot_ids,
            hold=list(slot_ids),
            patient_hold=time_buckets(patient_id, start, end),
            start=start,
            end=end,
            stop=first.stop,
            doctor_id=first.doctor_id,
            motif=motif.code,
            motif_label=motif.label,
            channel=channel,
            booked_by=by,
            history=[{"status": "booked", "at": now, "by": by or "patient"}],
            created_at=now,
        )
        appointment.announce(events.appointment("booked", appointment))
        try:
            appointment.save(force_insert=True)
            break
        except NotUniqueError as exc:
            if "reference" in str(exc):
                continue
            raise _refusal(DuplicateKeyError(str(exc)), appointment.hold) from None
    else:
        raise BookingRefused("busy", "could not allocate a reference; try again")
    outbox.notify(SERVICE)
    if new_patient:  # the slot is won: now the patient exists (and waits on no list)
        patients.registered_for(new_patient)
    else:
        waitlist.mark_booked(patient_id, first.site_id, appointment.id)
    return appointment, token


def by_reference(reference: str) -> Appointment:
    appointment = Appointment.objects(reference=reference.upper()).first()
    if appointment is None:
        raise NotFound("appointment", reference)
    return appointment


def for_patient(
    reference: str, token: str | None, own: tuple | list, scoped: str | None
) -> Appointment:
    """An appointment seen by a patient: with its manage token, with a token for this
    one appointment (``scoped``: its reference), or as one of their account's own
    (``own``: the account's identities).  An unknown reference, a wrong token and
    another patient's all look the same."""
    appointment = by_reference(reference)
    if not (
        token_matches(token, appointment.token_hash)
        or appointment.patient_id in own
        or (scoped is not None and scoped == appointment.reference)
    ):
        raise NotFound("appointment", reference)
    return appointment


def cancel(appointment: Appointment, *, by: str, staff: bool) -> Appointment:
    check_transition(appointment.status, "cancelled")
    if not staff:
        _before_the_cutoff(appointment, "cancellation")
    now = now_utc()
    done = _update(
        appointment,
        {
            "$set": {"status": "cancelled"},
            "$unset": {"hold": "", "patient_hold": ""},
            "$push": {"history": {"status": "cancelled", "at": now, "by": by}},
        },
        events.appointment("cancelled", appointment),
    )
    waitlist.offer_slots(done.slot_ids)
    return done


def _before_the_cutoff(appointment: Appointment, what: str) -> None:
    """A patient changes their appointment online only up to the site's cut-off."""
    site = motifs.site(appointment.site_id)
    if not cancellable_online(appointment.start, now_utc(), site.cancel_cutoff_hours):
        raise BookingRefused(
            "cutoff_passed",
            f"online {what} closes {site.cancel_cutoff_hours} h before the "
            "appointment; please call the centre",
        )


def move(
    appointment: Appointment,
    new_slot_id: str,
    *,
    by: str,
    staff: bool,
    first: Slot | None = None,
) -> Appointment:
    """Move to ``new_slot_id`` (``first``: that slot, when the caller has read it already)."""
    if appointment.status != "booked":
        raise BookingRefused("not_movable", f"a {appointment.status} appointment cannot move")
    if not staff:  # a move frees the slot as late as a cancellation would: the same cut-off
        _before_the_cutoff(appointment, "change")
    motif = motifs.get(appointment.site_id, appointment.motif)
    if first is None:
        first = visits.slot(new_slot_id)
    if first.site_id != appointment.site_id:
        motif = motifs.get(first.site_id, appointment.motif)
    slots = visits.slots_for(first, motif.duration_slots)
    visits.check_bookable(slots, motif, staff=staff)
    slot_ids, start, end = [s.id for s in slots], slots[0].start, slots[-1].end
    moved = Appointment._from_son(appointment.to_mongo())
    moved.start, moved.end, moved.site_id = start, end, first.site_id
    moved.doctor_id = first.doctor_id
    event = events.appointment(
        "moved", moved, previous_start=appointment.start, previous_site_id=appointment.site_id
    )
    now = now_utc()
    try:
        done = _update(
            appointment,
            {
                "$set": {
                    "slot_ids": slot_ids,
                    "hold": slot_ids,
                    "patient_hold": time_buckets(appointment.patient_id, start, end),
                    "start": start,
                    "end": end,
                    "site_id": first.site_id,
                    "week": first.week,
                    "stop": first.stop,
                    "doctor_id": first.doctor_id,
                    "needs_doctor": False,
                    "reminders": {},
                },
                "$push": {
                    "history": {"status": "moved", "at": now, "by": by, "from": appointment.start}
                },
            },
            event,
            expect_hold=appointment.hold,
        )
    except DuplicateKeyError as exc:
        raise _refusal(exc, slot_ids) from None
    waitlist.offer_slots([s for s in appointment.slot_ids if s not in done.slot_ids])
    return done


def _update(
    appointment: Appointment, update: dict, event: dict | None, expect_hold=None
) -> Appointment:
    """One conditional write: the change and its event (if any), only if nobody changed
    it meanwhile."""
    if event is not None:
        update = outbox.with_events(update, event)
    query = {"_id": appointment.id, "status": appointment.status}
    if expect_hold is not None:
        query["hold"] = {"$all": list(expect_hold)} if expect_hold else {"$exists": False}
    doc = Appointment._get_collection().find_one_and_update(
        query, update, return_document=ReturnDocument.AFTER
    )
    if doc is None:
        raise BookingRefused("changed", "the appointment changed meanwhile; reload it")
    if event is not None:
        outbox.notify(SERVICE)
    return Appointment._from_son(doc)


def transition(
    appointment: Appointment, target: str, *, by: str, caused_by: str | None = None
) -> Appointment:
    """Check in, no-show or complete (staff, or records: ``caused_by`` its event id)."""
    check_transition(appointment.status, target)
    update = {
        "$set": {"status": target},
        "$push": {"history": {"status": target, "at": now_utc(), "by": by}},
    }
    announced = target in ("no_show", "completed")  # a check-in is not announced
    event = events.appointment(target, appointment, caused_by) if announced else None
    return _update(appointment, update, event)


def complete_from_consultation(appointment_id: str, caused_by: str | None = None) -> None:
    """Once: the write is conditional on the status read, so a second run (or a
    concurrent one, which loses the race) finds it completed and does nothing."""
    for _ in range(3):
        appointment = Appointment.objects(id=appointment_id).first()
        if appointment is None or appointment.status not in ACTIVE:
            return  # unknown, or already completed / cancelled: nothing to do
        try:
            transition(appointment, "completed", by="records", caused_by=caused_by)
            return
        except BookingRefused as exc:
            if exc.code != "changed":
                raise
    raise BookingRefused("changed", "the appointment kept changing; retry later")
