"""A site's opening calendar for one ISO week, in Europe/Paris time, given in UTC.

Closed: French public holidays (the ``holidays`` package), and Thursday
afternoon at centres that keep that closure (the default).  Mobile units open
at their stops, each stop on its weekday and hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from services.roster.domain import IsoWeek

PARIS = ZoneInfo("Europe/Paris")
NOON = time(12, 0)
THURSDAY = 3


@cache
def _french_holidays(year: int) -> holidays.HolidayBase:
    return holidays.France(years=year, language="fr")


def public_holiday(day: date) -> str | None:
    return _french_holidays(day.year).get(day)


def parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, PARIS).astimezone(UTC)


@dataclass(frozen=True)
class Interval:
    start: time
    end: time


def _clip_to_morning(intervals: list[Interval]) -> list[Interval]:
    kept = []
    for interval in intervals:
        if interval.start >= NOON:
            continue
        kept.append(Interval(interval.start, min(interval.end, NOON)))
    return kept


def week_calendar(site, week: IsoWeek) -> dict:
    """``opening`` periods (UTC, with the stop for mobile units) and ``closed`` days."""
    opening, closed = [], []
    for day in week.days():
        weekday = day.weekday()
        if site.kind == "mobile":
            entries = [
                (Interval(parse_hhmm(s.start), parse_hhmm(s.end)), s)
                for s in site.stops
                if s.weekday == weekday
            ]
        else:
            entries = [
                (Interval(parse_hhmm(h.start), parse_hhmm(h.end)), None)
                for h in site.hours
                if h.weekday == weekday
            ]
        if not entries:
            continue
        holiday = public_holiday(day)
        if holiday:
            closed.append({"date": day, "part": "day", "reason": f"public holiday: {holiday}"})
            continue
        if site.kind == "centre" and weekday == THURSDAY and site.closed_thursday_afternoon:
            if any(interval.end > NOON for interval, _ in entries):
                closed.append({"date": day, "part": "afternoon", "reason": "thursday_afternoon"})
            clipped = _clip_to_morning([interval for interval, _ in entries])
            entries = [(interval, None) for interval in clipped]
        for interval, stop in entries:
            if interval.end <= interval.start:
                continue
            opening.append(
                {
                    "start": to_utc(day, interval.start),
                    "end": to_utc(day, interval.end),
                    "stop": stop.to_event() if stop is not None else None,
                }
            )
    return {"opening": opening, "closed": closed}
