"""The waiting list: when nothing is free, a patient waits; freed slots are offered in order.

A freed slot (cancellation, move, a newly confirmed week) is offered to the
first waiting patients of that site whose latest acceptable date it meets
(``OFFER_TO`` of them at once); the first to accept gets it, through the same
unique hold as any booking.  A slot on offer is not offered again until those
offers expire: the slot is claimed for the round by one conditional write
(``offered_until``), so a roster event handled twice, or two processes freeing
slots at once, never make a second round of offers for it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from chassis import outbox
from chassis.problems import Gone, NotFound
from services.booking import events
from services.booking.documents import Appointment, Slot, WaitlistEntry
from services.booking.domain import BookingRefused, new_token, now_utc, token_hash, token_matches

SERVICE = "booking"
OFFER_TO = 3
OFFER_HOURS = 2


def join(site_id: str, patient, motif: str, latest_date) -> tuple[WaitlistEntry, str]:
    token = new_token()
    entry = WaitlistEntry(
        id=f"wl-{uuid.uuid4().hex[:12]}",
        site_id=site_id,
        patient_id=patient.id,
        motif=motif,
        latest_date=latest_date,
        token_hash=token_hash(token),
        created_at=now_utc(),
    )
    entry.save(force_insert=True)
    offer_free_slots(site_id)
    return WaitlistEntry.objects.get(id=entry.id), token


def get(entry_id: str, token: str | None) -> WaitlistEntry:
    entry = WaitlistEntry.objects(id=entry_id).first()
    if entry is None or (token is not None and not token_matches(token, entry.token_hash)):
        raise NotFound("waiting-list entry", entry_id)
    return entry


def _free(slot_ids: list[str]) -> list[Slot]:
    now = now_utc()
    held = {
        sid
        for doc in Appointment._get_collection().find({"hold": {"$in": slot_ids}}, {"hold": 1})
        for sid in doc.get("hold", [])
    }
    return [
        slot
        for slot in Slot.objects(id__in=slot_ids, status="open").order_by("start")
        if slot.id not in held
        and slot.start > now
        and slot.doctor_id
        and not (slot.held_back and slot.release_at and slot.release_at > now)
        and not (slot.offered_until and slot.offered_until > now)  # on offer already
    ]


def offer_slots(slot_ids: list[str]) -> None:
    """Offer these (just freed) slots to waiting patients."""
    for slot in _free(list(slot_ids)):
        _offer(slot)


def offer_free_slots(site_id: str, week: str | None = None, caused_by: str | None = None) -> None:
    """After a new week (``caused_by``: its event id) or a new entry: offer the
    site's first free slots."""
    waiting = WaitlistEntry.objects(site_id=site_id, status="waiting").count()
    if not waiting:
        return
    query = {"site_id": site_id, "status": "open", "start__gt": now_utc()}
    if week:
        query["week"] = week
    candidates = [s.id for s in Slot.objects(**query).order_by("start").limit(waiting * 5)]
    for slot in _free(candidates)[:waiting]:
        _offer(slot, caused_by)


def _offer(slot: Slot, caused_by: str | None = None) -> None:
    entries = list(
        WaitlistEntry.objects(
            site_id=slot.site_id, status="waiting", latest_date__gte=slot.start.date()
        )
        .order_by("created_at")
        .limit(OFFER_TO)
    )
    if not entries:
        return
    now = now_utc()
    expires = min(slot.start - timedelta(hours=1), now + timedelta(hours=OFFER_HOURS))
    expires = expires.replace(microsecond=expires.microsecond // 1000 * 1000)  # as stored
    slots = Slot._get_collection()
    claim = {"_id": slot.id, "offered_until": {"$not": {"$gt": now}}}
    if not slots.update_one(claim, {"$set": {"offered_until": expires}}).modified_count:
        return  # on offer already (this event handled before, or another process)
    collection = WaitlistEntry._get_collection()
    offered = 0
    for entry in entries:
        offer = {"slot_id": slot.id, "start": slot.start, "expires_at": expires}
        offered += collection.update_one(
            {"_id": entry.id, "status": "waiting"},
            {
                "$set": {"status": "offered", "offer": offer},
                **outbox.push(events.waitlist_offered(entry, slot, expires, caused_by)),
            },
        ).modified_count
    if not offered:  # they were offered other slots meanwhile: this one is free to offer
        slots.update_one(
            {"_id": slot.id, "offered_until": expires}, {"$unset": {"offered_until": ""}}
        )
    outbox.notify(SERVICE)


def accept(entry: WaitlistEntry):
    """The waiting patient takes the offered slot (if nobody was quicker), for the
    entry's own patient: the entry's token opens nothing else."""
    from services.booking.handlers import appointments

    if entry.status != "offered":
        raise BookingRefused("no_offer", "there is no slot on offer for this entry")
    if entry.offer["expires_at"] < now_utc():
        WaitlistEntry.objects(id=entry.id, status="offered").update_one(set__status="waiting")
        raise Gone("offer_expired", "this offer has expired; you are still on the list")
    try:
        appointment, token = appointments.book(
            {
                "slot_id": entry.offer["slot_id"],
                "motif": entry.motif,
                "patient_id": entry.patient_id,
            },
            channel="online",
            by=None,
            staff=False,
        )
    except BookingRefused:
        WaitlistEntry.objects(id=entry.id, status="offered").update_one(
            set__status="waiting", unset__offer=True
        )
        raise
    WaitlistEntry.objects(id=entry.id).update_one(
        set__status="booked", set__appointment_id=appointment.id
    )
    return appointment, token


def mark_booked(patient_id: str, site_id: str, appointment_id: str) -> None:
    """A waiting patient who booked by other means leaves the list."""
    WaitlistEntry.objects(
        patient_id=patient_id, site_id=site_id, status__in=["waiting", "offered"]
    ).update(set__status="booked", set__appointment_id=appointment_id)


def leave(entry: WaitlistEntry) -> None:
    WaitlistEntry.objects(id=entry.id).update_one(set__status="cancelled")


def expire_offers() -> int:
    """Offers nobody took in time: back to waiting, and the slots go round again."""
    expired = list(
        WaitlistEntry.objects(status="offered", offer__expires_at__lt=now_utc()).only("id", "offer")
    )
    for entry in expired:
        WaitlistEntry.objects(id=entry.id, status="offered").update_one(
            set__status="waiting", unset__offer=True
        )
    if expired:
        offer_slots(sorted({e.offer["slot_id"] for e in expired}))
    return len(expired)
