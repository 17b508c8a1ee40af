"""The roster's outgoing events, built from its documents (contracts in contracts/roster.py)."""

from __future__ import annotations

from chassis import outbox
from contracts.catalog import catalog
from services.roster.calendar import parse_hhmm, to_utc, week_calendar
from services.roster.documents import lonlat
from services.roster.domain import IsoWeek


def week_payload(assignment, site, doctor) -> dict:
    week = IsoWeek.parse(assignment.week)
    calendar = week_calendar(site, week)
    days = week.days()
    closed_days = {c["date"] for c in calendar["closed"] if c["part"] == "day"}
    held_back = [
        {
            "date": days[h.weekday],
            "slots": h.slots,
            "release_at": to_utc(days[h.weekday], parse_hhmm(h.release_time)),
        }
        for h in assignment.held_back
        if days[h.weekday] not in closed_days
    ]
    home_visits = [
        {
            "start": to_utc(days[b.weekday], parse_hhmm(b.start)),
            "end": to_utc(days[b.weekday], parse_hhmm(b.end)),
        }
        for b in assignment.home_visits
    ]
    return {
        "assignment_id": assignment.id,
        "revision": assignment.revision,
        "site_id": site.id,
        "site_code": site.code,
        "site_name": site.name,
        "site_kind": site.kind,
        "site_commune": site.commune,
        "site_location": lonlat(site.location),
        "week": assignment.week,
        "doctor_id": doctor.id,
        "doctor_name": doctor.display_name,
        "profession": doctor.profession,
        "pace": assignment.pace,
        "timezone": "Europe/Paris",
        "opening": calendar["opening"],
        "closed": calendar["closed"],
        "held_back": held_back,
        "home_visit_blocks": home_visits,
    }


def week_confirmed(assignment, site, doctor) -> dict:
    return outbox.event(
        catalog(), "roster.week.confirmed.v1", week_payload(assignment, site, doctor), assignment.id
    )


def week_updated(assignment, site, doctor) -> dict:
    return outbox.event(
        catalog(), "roster.week.updated.v1", week_payload(assignment, site, doctor), assignment.id
    )


def week_released(assignment, reason: str) -> dict:
    data = {
        "assignment_id": assignment.id,
        "site_id": assignment.site_id,
        "week": assignment.week,
        "doctor_id": assignment.doctor_id,
        "reason": reason,
    }
    return outbox.event(catalog(), "roster.week.released.v1", data, assignment.id)


def gap_detected(site, week: str) -> dict:
    data = {
        "site_id": site.id,
        "site_name": site.name,
        "site_kind": site.kind,
        "commune": site.commune,
        "week": week,
    }
    return outbox.event(catalog(), "roster.gap.detected.v1", data, site.id)


def doctor_registered(doctor) -> dict:
    data = {
        "doctor_id": doctor.id,
        "rpps": doctor.rpps,
        "profession": doctor.profession,
        "display_name": doctor.display_name,
    }
    return outbox.event(catalog(), "roster.doctor.registered.v1", data, doctor.id)
