"""The read side of coverage: which site-weeks have a doctor, which are gaps."""

from __future__ import annotations

from services.roster.documents import Assignment, Doctor, Site
from services.roster.domain import ACTIVE_STATES, COMPLETED, CONFIRMED, IsoWeek


def coverage(site_ids: list[str], weeks: list[IsoWeek]) -> list[dict]:
    """One row per (site, week): the active assignment's state, or ``gap``."""
    names = [str(w) for w in weeks]
    active = Assignment.objects(
        site_id__in=site_ids, week__in=names, state__in=list(ACTIVE_STATES)
    ).only("id", "site_id", "week", "doctor_id", "state")
    by_key = {(a.site_id, a.week): a for a in active}
    rows = []
    for site_id in site_ids:
        for week in names:
            found = by_key.get((site_id, week))
            rows.append(
                {
                    "site_id": site_id,
                    "week": week,
                    "state": found.state if found else "gap",
                    "doctor_id": found.doctor_id if found else None,
                    "assignment_id": found.id if found else None,
                }
            )
    return rows


def _sites(site_ids: list[str]) -> list[Site]:
    """The sites asked for, or every site by name."""
    return list(Site.objects(id__in=site_ids) if site_ids else Site.objects.order_by("name"))


def matrix(site_ids: list[str], weeks: list[IsoWeek]) -> dict:
    sites = _sites(site_ids)
    rows = coverage([s.id for s in sites], weeks)
    doctor_ids = {r["doctor_id"] for r in rows if r["doctor_id"]}
    doctors = {d.id: d.display_name for d in Doctor.objects(id__in=list(doctor_ids))}
    cells: dict[str, list] = {s.id: [] for s in sites}
    for row in rows:
        cells[row["site_id"]].append(
            {
                "week": row["week"],
                "state": row["state"],
                "doctor_id": row["doctor_id"],
                "doctor_name": doctors.get(row["doctor_id"]),
                "assignment_id": row["assignment_id"],
            }
        )
    return {
        "weeks": [str(w) for w in weeks],
        "sites": [
            {"site_id": s.id, "site_name": s.name, "kind": s.kind, "cells": cells[s.id]}
            for s in sites
        ],
    }


def gaps(site_ids: list[str], weeks: list[IsoWeek]) -> list[dict]:
    """Site-weeks with no confirmed doctor (a proposal alone still leaves a gap)."""
    sites = _sites(site_ids)
    names = {s.id: s.name for s in sites}
    return [
        {
            "site_id": row["site_id"],
            "site_name": names[row["site_id"]],
            "week": row["week"],
            "state": row["state"],
        }
        for row in coverage(list(names), weeks)
        if row["state"] not in (CONFIRMED, COMPLETED)
    ]
