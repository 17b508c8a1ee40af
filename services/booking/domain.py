"""Pure booking rules (no I/O): the slot grid, references, tokens, time buckets."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from chassis.problems import Conflict

PARIS = ZoneInfo("Europe/Paris")
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
BUCKET_MINUTES = 1  # exact for slot boundaries on whole minutes
ACTIVE = ("booked", "checked_in")
TRANSITIONS = {
    "booked": {"checked_in", "cancelled", "no_show", "completed"},
    "checked_in": {"completed", "no_show"},
    "cancelled": set(),
    "completed": set(),
    "no_show": set(),
}


class BookingRefused(Conflict):
    """A booking rule said no: 409 with a ``code``."""


@dataclass(frozen=True)
class SlotSpec:
    start: datetime
    end: datetime
    stop: dict | None
    held_back: bool
    release_at: datetime | None


def slot_minutes(pace: int) -> int:
    """Consultations per hour -> minutes per slot (3/hour -> 20 minutes)."""
    return 60 // pace


def _overlaps(start: datetime, end: datetime, blocks: list[dict]) -> bool:
    return any(start < b["end"] and b["start"] < end for b in blocks)


def _spread(count: int, held: int) -> set[int]:
    """Which of ``count`` slots of a day to hold back: ``held`` of them, evenly spread."""
    held = min(held, count)
    return {int((i + 0.5) * count / held) for i in range(held)} if held else set()


def slot_grid(week: dict) -> list[SlotSpec]:
    """Every slot of a confirmed week: opening periods cut by the pace, minus home
    visits; each day's held-back capacity is marked (bookable online from its release)."""
    length = timedelta(minutes=slot_minutes(week["pace"]))
    by_day: dict[date, list[SlotSpec]] = {}
    for period in week["opening"]:
        start = period["start"]
        while start + length <= period["end"]:
            end = start + length
            if not _overlaps(start, end, week.get("home_visit_blocks") or []):
                day = start.astimezone(PARIS).date()
                by_day.setdefault(day, []).append(
                    SlotSpec(start, end, period.get("stop"), False, None)
                )
            start = end
    held = {h["date"]: h for h in week.get("held_back") or []}
    grid = []
    for day, slots in sorted(by_day.items()):
        rule = held.get(day)
        chosen = _spread(len(slots), rule["slots"]) if rule else set()
        for index, slot in enumerate(sorted(slots, key=lambda s: s.start)):
            if index in chosen:
                slot = SlotSpec(slot.start, slot.end, slot.stop, True, rule["release_at"])
            grid.append(slot)
    return grid


def chain_from(first, following, count: int) -> list | None:
    """``count`` back-to-back slots from ``first``: each begins as the one before
    ends, at the same stop; ``following`` are candidates in start order.  None when
    the time runs out first (a break, the end of a period, a slot missing)."""
    chain = [first]
    for candidate in following:
        if len(chain) == count:
            break
        if candidate.start > chain[-1].end:
            return None
        if candidate.start == chain[-1].end and candidate.stop == first.stop:
            chain.append(candidate)
    return chain if len(chain) == count else None


def slot_id(site_id: str, start: datetime, stop: dict | None) -> str:
    where = stop["stop_id"] if stop else "site"
    return f"{site_id}|{where}|{start.astimezone(UTC):%Y%m%dT%H%MZ}"


def new_reference(site_code: str) -> str:
    return f"{site_code}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str | None, stored_hash: str | None) -> bool:
    if not token or not stored_hash:
        return False
    return hmac.compare_digest(token_hash(token), stored_hash)


def time_buckets(patient_id: str, start: datetime, end: datetime) -> list[str]:
    """Keys of the minutes an appointment covers, ``[start, end)``.

    Two appointments of one patient that overlap by a minute or more share a key
    (the unique index refuses the second); back-to-back ones (one ends as the next
    begins) share none, whatever their paces.  Slot boundaries fall on whole
    minutes (a pace divides the hour into whole minutes); a stray second only
    widens the span to the whole minute, never narrows it.
    """
    moment = start.astimezone(UTC).replace(second=0, microsecond=0)
    keys = []
    while moment < end:
        keys.append(f"{patient_id}|{moment:%Y%m%dT%H%M}")
        moment += timedelta(minutes=BUCKET_MINUTES)
    return keys


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS[current]:
        raise BookingRefused(
            "invalid_transition",
            f"a {current} appointment cannot become {target}",
            current=current,
        )


def cancellable_online(start: datetime, now: datetime, cutoff_hours: int) -> bool:
    return now <= start - timedelta(hours=cutoff_hours)


def now_utc() -> datetime:
    return datetime.now(UTC)
