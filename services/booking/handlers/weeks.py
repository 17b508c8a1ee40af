"""Slots from the rota: roster week events in, slots and affected appointments out.

Replaying any roster event, any number of times, yields the same slots: slot
ids are deterministic (site, stop, start), each slot write is conditional on
its revision, and a released assignment is remembered so an old confirmation
replayed later cannot bring it back.

A handler may run twice on one event (a worker stopped after the effect, before
the event was recorded as processed; or a redelivery while the first run goes
on).  What it announces is written once: each appointment's change and its
event go in one write guarded by the incoming event's id (``chassis.idempotency.
apply_once``), a slot is offered to waiting patients only while not on offer already,
and the ids of the events it announces derive from the incoming event's id.
"""

from __future__ import annotations

import logging
from datetime import UTC

from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from chassis import outbox
from chassis.idempotency import apply_once
from services.booking import events
from services.booking.documents import Appointment, BookingSite, Slot, WeekState
from services.booking.domain import ACTIVE, PARIS, slot_grid, slot_id
from services.booking.handlers import motifs, waitlist

log = logging.getLogger(__name__)
SERVICE = "booking"
DUPLICATE_KEY = 11000


def _point(location: dict | None):
    return (
        {"type": "Point", "coordinates": [location["lon"], location["lat"]]} if location else None
    )


def _remember_site(week: dict) -> None:
    point = _point(week.get("site_location"))
    # no location (a bus, whose stops have theirs): none written, rather than a None the
    # database refuses in a point
    place = {"set__location": point} if point else {"unset__location": True}
    BookingSite.objects(id=week["site_id"]).update_one(
        upsert=True,
        set__code=week["site_code"],
        set__name=week["site_name"],
        set__kind=week["site_kind"],
        set__commune=week.get("site_commune") or "",
        **place,
    )
    motifs.ensure_defaults(week["site_id"], week["site_kind"])


def apply_week(event) -> None:
    """roster.week.confirmed.v1 and roster.week.updated.v1."""
    week = event.data
    key = f"{week['site_id']}|{week['week']}"
    state = WeekState.objects(id=key).first()
    if state and week["assignment_id"] in state.released:
        return  # that assignment ended: an old event replayed
    if state and state.assignment_id == week["assignment_id"] and state.revision > week["revision"]:
        return  # a newer revision is already applied
    _remember_site(week)
    generation = state.generation if state else 0
    if not state or state.assignment_id != week["assignment_id"]:
        generation += 1
    kept = _write_slots(week, generation * 10_000 + week["revision"])
    _withdraw_others(week, kept)
    WeekState.objects(id=key).update_one(
        upsert=True,
        set__assignment_id=week["assignment_id"],
        set__revision=week["revision"],
        set__generation=generation,
        set__doctor_id=week["doctor_id"],
        set__status="confirmed",
    )
    _follow_new_doctor(week, event.id)
    waitlist.offer_free_slots(week["site_id"], week["week"], caused_by=event.id)


def _write_slots(week: dict, stamp: int) -> set[str]:
    grid = slot_grid(week)
    location_default = week.get("site_location")
    operations, ids = [], set()
    for spec in grid:
        ident = slot_id(week["site_id"], spec.start, spec.stop)
        ids.add(ident)
        location = (spec.stop or {}).get("location") or location_default
        fields = {
            "site_id": week["site_id"],
            "week": week["week"],
            "start": spec.start.astimezone(UTC),
            "end": spec.end.astimezone(UTC),
            "day": spec.start.astimezone(PARIS).date().isoformat(),
            "stop": spec.stop or {},
            "location": _point(location),
            "assignment_id": week["assignment_id"],
            "doctor_id": week["doctor_id"],
            "doctor_name": week["doctor_name"],
            "revision": week["revision"],
            "stamp": stamp,
            "status": "open",
            "held_back": spec.held_back,
            "release_at": spec.release_at.astimezone(UTC) if spec.release_at else None,
        }
        # never overwrite a slot written from a newer event (a plain range on one field:
        # SecantusDB plans "_id AND $or/$nor" as a collection scan)
        operations.append(
            UpdateOne({"_id": ident, "stamp": {"$lte": stamp}}, {"$set": fields}, upsert=True)
        )
    if operations:
        try:
            Slot._get_collection().bulk_write(operations, ordered=False)
        except BulkWriteError as exc:
            if any(e["code"] != DUPLICATE_KEY for e in exc.details["writeErrors"]):
                raise
    return ids


def _withdraw_others(week: dict, kept: set[str]) -> None:
    """Slots of this site-week that the new grid no longer has (pace changed)."""
    Slot._get_collection().update_many(
        {"site_id": week["site_id"], "week": week["week"], "_id": {"$nin": sorted(kept)}},
        {"$set": {"status": "withdrawn"}},
    )


def _follow_new_doctor(week: dict, cause: str) -> None:
    """Appointments of the week move to the week's doctor; those waiting for one are told."""
    active = Appointment._get_collection().find(
        {"site_id": week["site_id"], "week": week["week"], "status": {"$in": list(ACTIVE)}}
    )
    for doc in active:
        if not doc.get("needs_doctor") and doc.get("doctor_id") == week["doctor_id"]:
            continue
        appointment = Appointment._from_son(doc)
        appointment.doctor_id = week["doctor_id"]
        entry = events.appointment("affected", appointment, caused_by=cause, cause="reassigned")
        apply_once(
            Appointment._get_collection(),
            {"_id": appointment.id, "status": {"$in": list(ACTIVE)}},
            {"$set": {"doctor_id": week["doctor_id"], "needs_doctor": False}, **outbox.push(entry)},
            cause,
            upsert=False,
            keep=50,
        )
    outbox.notify(SERVICE)


def release_week(event) -> None:
    """roster.week.released.v1: its slots wait for a doctor, its patients are told."""
    data = event.data
    key = f"{data['site_id']}|{data['week']}"
    WeekState.objects(id=key).update_one(upsert=True, add_to_set__released=data["assignment_id"])
    state = WeekState.objects(id=key).first()
    if state.assignment_id not in (None, data["assignment_id"]):
        return  # the week already has another doctor
    WeekState.objects(id=key).update_one(set__status="released", set__doctor_id=None)
    Slot._get_collection().update_many(
        {"site_id": data["site_id"], "week": data["week"], "assignment_id": data["assignment_id"]},
        {"$set": {"status": "needs_doctor", "doctor_id": None, "doctor_name": None}},
    )
    for doc in Appointment._get_collection().find(
        {
            "site_id": data["site_id"],
            "week": data["week"],
            "status": {"$in": list(ACTIVE)},
            "needs_doctor": {"$ne": True},
        }
    ):
        appointment = Appointment._from_son(doc)
        entry = events.appointment(
            "affected", appointment, caused_by=event.id, cause="needs_doctor"
        )
        apply_once(
            Appointment._get_collection(),
            {"_id": appointment.id, "needs_doctor": {"$ne": True}},
            {"$set": {"needs_doctor": True}, **outbox.push(entry)},
            event.id,
            upsert=False,
            keep=50,
        )
    outbox.notify(SERVICE)


def consultation_closed(event) -> None:
    """records.consultation.closed.v1: the appointment took place."""
    from services.booking.handlers.appointments import complete_from_consultation

    appointment_id = event.data.get("appointment_id")
    if appointment_id:
        complete_from_consultation(appointment_id, caused_by=event.id)
