"""The read side of booking: free slots, the nearest free slots, a day's agenda.

A page counts only slots a caller can book now: free (no active appointment
holds them), open, with a doctor, not held back from this caller, and, for a
reason lasting several slots, followed by enough free back-to-back slots.  So
every filter runs before the page is cut, and pages never come back short.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import groupby, islice

from chassis.geo import EARTH_KM, haversine_km
from services.booking.documents import Appointment, Motif, Patient, Slot
from services.booking.domain import PARIS, chain_from, now_utc
from services.booking.handlers.visits import LONGEST_VISIT
from services.booking.identity import display_name

BATCH = 200


def _held(slot_ids: list[str]) -> set[str]:
    if not slot_ids:
        return set()
    docs = Appointment._get_collection().find({"hold": {"$in": slot_ids}}, {"hold": 1})
    return {sid for doc in docs for sid in doc.get("hold", [])}


def _bookable_now(slot: Slot, online: bool, now: datetime) -> bool:
    if slot.start <= now or slot.status != "open" or not slot.doctor_id:
        return False
    return not (online and slot.held_back and slot.release_at and slot.release_at > now)


def _local_midnight(day) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS)


def _stop_id(slot) -> str:
    return (slot.stop or {}).get("stop_id") or ""


def _free(slots: list[Slot], online: bool, now: datetime, held: set[str]) -> list[Slot]:
    """The slots bookable now that no appointment holds (``held``: from :func:`_held`)."""
    return [s for s in slots if s.id not in held and _bookable_now(s, online, now)]


def _candidates(chunk: list[Slot]) -> list[Slot]:
    """The open slots that may continue a visit begun in ``chunk``."""
    query = {
        "site_id__in": sorted({s.site_id for s in chunk}),
        "status": "open",
        "start__gt": min(s.start for s in chunk),
        "start__lt": max(s.start for s in chunk) + LONGEST_VISIT,
    }
    return list(Slot.objects(**query).order_by("start"))


def _followers(candidates: list[Slot], online: bool, now: datetime, held: set[str]) -> dict:
    """The free ``candidates`` (see :func:`_candidates`), per site and stop."""
    places: dict[tuple, list[Slot]] = {}
    for slot in _free(candidates, online, now, held):
        places.setdefault((slot.site_id, _stop_id(slot)), []).append(slot)
    return {where: ([s.start for s in found], found) for where, found in places.items()}


def _free_visits(cursor, online: bool, length: dict[str, int]) -> Iterator[Slot]:
    """In the cursor's order, each free slot that begins a visit of ``length[site]``
    free back-to-back slots (reading the cursor a batch at a time)."""
    now, offset = now_utc(), 0
    while True:
        chunk = list(cursor.skip(offset).limit(BATCH))
        if not chunk:
            return
        offset += BATCH
        long = [s for s in chunk if length.get(s.site_id, 1) > 1]
        candidates = _candidates(long) if long else []
        # one read of what is held, for the batch and the slots that may follow it
        held = _held(list(dict.fromkeys(s.id for s in [*chunk, *candidates])))
        places = _followers(candidates, online, now, held) if long else {}
        for slot in _free(chunk, online, now, held):
            count = length.get(slot.site_id, 1)
            if count > 1:
                starts, after = places.get((slot.site_id, _stop_id(slot)), ([], []))
                following = islice(after, bisect_right(starts, slot.start), None)
                if chain_from(slot, following, count) is None:
                    continue
            yield slot


def _page(found: Iterable[Slot], args: dict) -> list[Slot]:
    skip = (args["page"] - 1) * args["per_page"]
    return list(islice(found, skip, skip + args["per_page"]))


def _lengths(code: str | None, online: bool, site_id: str | None = None) -> dict[str, int]:
    """Sites offering the reason (to this caller) -> slots it takes there."""
    if not code:
        return {}
    query = {"code": code, "active": True, **({"site_id": site_id} if site_id else {})}
    return {m.site_id: m.duration_slots for m in Motif.objects(**query) if m.online or not online}


def free_slots(args: dict, *, online: bool) -> list[Slot]:
    """Free slots of a site between two dates, earliest first, one page of them; with
    a reason, only those where the visit fits (its length of free back-to-back slots)."""
    query = {"site_id": args["site_id"], "status": "open", "start__gt": now_utc()}
    if args.get("start"):
        query["start__gte"] = max(_local_midnight(args["start"]), now_utc())
        query.pop("start__gt")
    if args.get("end"):
        query["start__lt"] = _local_midnight(args["end"]) + timedelta(days=1)
    if args.get("stop_id"):
        query["stop__stop_id"] = args["stop_id"]
    length = _lengths(args.get("motif"), online, args["site_id"])
    if args.get("motif") and not length:
        return []
    cursor = Slot.objects(**query).order_by("start", "id")
    return _page(_free_visits(cursor, online, length), args)


def _near_query(args: dict, sites: Iterable[str] | None) -> dict:
    circle = [[args["lon"], args["lat"]], args["km"] / EARTH_KM]
    query = {
        "status": "open",
        "start": {"$gt": now_utc()},
        "location": {"$geoWithin": {"$centerSphere": circle}},
    }
    if sites is not None:
        query["site_id"] = {"$in": sorted(sites)}
    return query


def _distance(args: dict, location: dict) -> float:
    lon, lat = location["coordinates"]
    return round(haversine_km(args["lon"], args["lat"], lon, lat), 1)


def _earliest_first(found: Iterable[Slot], args: dict) -> Iterator[Slot]:
    """Slots in start order; those starting together, the nearest first."""
    for _, same_time in groupby(found, key=lambda s: s.start):
        yield from sorted(same_time, key=lambda s: (_distance(args, s.location), s.id))


def _nearest_places_first(query: dict, args: dict, online: bool, length) -> Iterator[Slot]:
    """Place by place (a centre, a bus stop), the nearest first; each one's slots by time."""
    group = {"_id": {"site": "$site_id", "stop": "$stop.stop_id"}, "at": {"$first": "$location"}}
    places = sorted(
        (_distance(args, p["at"]), p["_id"]["site"], p["_id"].get("stop") or "")
        for p in Slot._get_collection().aggregate([{"$match": query}, {"$group": group}])
    )
    for _, site_id, stop_id in places:
        where = {"site_id": site_id, "stop.stop_id": stop_id or {"$exists": False}}
        cursor = Slot.objects(__raw__={**query, **where}).order_by("start", "id")
        yield from _free_visits(cursor, online, length)


def nearest(args: dict, *, online: bool) -> list[Slot]:
    """Free slots at every site and stop within ``km`` of a point, one page of them:
    earliest first (``order=start``) or the nearest place first (``order=distance``).
    A reason keeps only the sites offering it to this caller, where the visit fits."""
    length = _lengths(args.get("motif"), online)
    if args.get("motif") and not length:
        return []
    query = _near_query(args, length.keys() if args.get("motif") else None)
    if args["order"] == "distance":
        found = _nearest_places_first(query, args, online, length)
    else:
        cursor = Slot.objects(__raw__=query).order_by("start", "id")
        found = _earliest_first(_free_visits(cursor, online, length), args)
    slots = _page(found, args)
    for slot in slots:
        slot.distance_km = _distance(args, slot.location)
    return slots


def agenda(site_id: str, day) -> list[dict]:
    """A day at a site: each appointment with the patient's name (staff only)."""
    start = _local_midnight(day)
    appointments = list(
        Appointment.objects(
            site_id=site_id, start__gte=start, start__lt=start + timedelta(days=1)
        ).order_by("start")
    )
    people = {p.id: p for p in Patient.objects(id__in=[a.patient_id for a in appointments])}
    rows = []
    for appointment in appointments:
        patient = people.get(appointment.patient_id)
        rows.append(
            {
                "id": appointment.id,
                "reference": appointment.reference,
                "start": appointment.start.isoformat(),
                "end": appointment.end.isoformat(),
                "status": appointment.status,
                "motif_label": appointment.motif_label,
                "channel": appointment.channel,
                "needs_doctor": appointment.needs_doctor,
                "patient": {
                    "id": appointment.patient_id,
                    "name": display_name(patient) if patient else None,
                    "birth_date": patient.birth_date.isoformat() if patient else None,
                    "phone": patient.phone if patient else None,
                    "identity_status": patient.identity_status if patient else None,
                    "merged_into": patient.merged_into if patient else None,
                },
            }
        )
    return rows
