"""Which slots a visit takes: the chain of back-to-back slots its reason needs, and
whether they may be booked now (reads only; booking and moving use it)."""

from __future__ import annotations

from datetime import timedelta

from chassis.problems import NotFound
from services.booking.documents import Slot
from services.booking.domain import BookingRefused, chain_from, now_utc

LONGEST_VISIT = timedelta(hours=4)  # 4 slots at pace 1


def slot(slot_id: str) -> Slot:
    found = Slot.objects(id=slot_id).first()
    if found is None:
        raise NotFound("slot", slot_id)
    return found


def slots_for(first: Slot, count: int) -> list[Slot]:
    """``count`` back-to-back open slots from ``first`` (same site and stop).

    Whether they are free is decided by the booking's insert (``slot_taken``)."""
    if count == 1:
        return [first]
    following = Slot.objects(
        site_id=first.site_id,
        start__gt=first.start,
        start__lt=first.start + LONGEST_VISIT,
        status="open",
    ).order_by("start")
    chain = chain_from(first, following, count)
    if chain is None:
        raise BookingRefused(
            "not_enough_time", "this visit needs more consecutive time than is free here"
        )
    return chain


def check_bookable(slots: list[Slot], motif, *, staff: bool) -> None:
    now = now_utc()
    for one in slots:
        if one.status != "open" or not one.doctor_id:
            raise BookingRefused("slot_unavailable", "this slot cannot be booked", slot_id=one.id)
        if one.start <= now:
            raise BookingRefused("slot_past", "this slot has already begun", slot_id=one.id)
        if one.held_back and not staff and one.release_at and now < one.release_at:
            raise BookingRefused(
                "slot_held_back",
                f"this slot is kept for unscheduled care until {one.release_at.isoformat()}",
                slot_id=one.id,
            )
    if not motif.online and not staff:
        raise BookingRefused("motif_staff_only", "this visit reason is booked by phone")
