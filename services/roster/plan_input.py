"""What the planner is given: the rota's documents turned into a planner ``Instance``.

Read-only.  Every active assignment in the horizon is fixed (whatever its
site, so a doctor busy elsewhere stays busy); doctors come from their active
offers, and only those whose RPPS number the directory knows (the others
cannot be confirmed without a coordinator's override, so they are planned by
hand).  Continuity is the sites a doctor has had confirmed or completed weeks
at; a site's weight grows with the weeks it has gone without a doctor just
before the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.roster.documents import Assignment, Doctor, KnownPractitioner, Offer, Site
from services.roster.domain import ACTIVE_STATES, COMPLETED, CONFIRMED, IsoWeek
from services.roster.planner import model
from services.roster.planner.model import MAX_AGE_BONUS


@dataclass
class PlanInput:
    instance: model.Instance
    offers: dict[tuple[str, int], list[str]]  # (doctor, week index) -> offer ids


def build(site_ids: list[str], weeks: list[IsoWeek]) -> PlanInput:
    names = [str(w) for w in weeks]
    index = {name: i for i, name in enumerate(names)}
    sites = {s.id: s for s in Site.objects(id__in=site_ids)}
    active = Assignment.objects(week__in=names, state__in=list(ACTIVE_STATES)).only(
        "site_id", "week", "doctor_id"
    )
    fixed = tuple(sorted((a.site_id, index[a.week], a.doctor_id) for a in active))
    offers: dict[tuple[str, int], list[str]] = {}
    by_doctor: dict[str, list[model.Offer]] = {}
    for offer in Offer.objects(state="active", weeks__in=names).order_by("id"):
        offered = frozenset(index[w] for w in offer.weeks if w in index)
        by_doctor.setdefault(offer.doctor_id, []).append(
            model.Offer(offered, frozenset(offer.preferred_sites))
        )
        for week in offered:
            offers.setdefault((offer.doctor_id, week), []).append(offer.id)
    doctors = {d.id: d for d in Doctor.objects(id__in=list(by_doctor))}
    known = set(KnownPractitioner.objects(id__in=[d.rpps for d in doctors.values()]).scalar("id"))
    worked_at = _worked_at(list(doctors))
    planned = [
        model.Doctor(
            id=doctor.id,
            profession=doctor.profession,
            offers=tuple(by_doctor[doctor.id]),
            max_weeks=doctor.max_weeks,
            worked_at=worked_at.get(doctor.id, frozenset()),
        )
        for doctor in sorted(doctors.values(), key=lambda d: d.id)
        if doctor.rpps in known
    ]
    without = _weeks_without_doctor(list(sites), weeks[0])
    instance = model.Instance(
        weeks=tuple(names),
        sites=tuple(
            model.Site(s.id, frozenset(s.professions), without[s.id])
            for s in sorted(sites.values(), key=lambda s: s.id)
        ),
        doctors=tuple(planned),
        fixed=fixed,
        no_housing=frozenset(
            (s.id, index[w]) for s in sites.values() for w in s.no_housing_weeks if w in index
        ),
    )
    return PlanInput(instance, offers)


def _worked_at(doctor_ids: list[str]) -> dict[str, frozenset[str]]:
    """Each doctor's sites with a confirmed or completed week (one query for all)."""
    staffed = Assignment.objects(doctor_id__in=doctor_ids, state__in=[CONFIRMED, COMPLETED]).only(
        "doctor_id", "site_id"
    )
    sites: dict[str, set[str]] = {}
    for assignment in staffed:
        sites.setdefault(assignment.doctor_id, set()).add(assignment.site_id)
    return {doctor: frozenset(found) for doctor, found in sites.items()}


def _weeks_without_doctor(site_ids: list[str], first: IsoWeek) -> dict[str, int]:
    """Per site, the consecutive weeks just before ``first`` with nobody confirmed."""
    before = [str(first.next(-n)) for n in range(1, MAX_AGE_BONUS + 1)]
    staffed = set(
        Assignment.objects(
            site_id__in=site_ids, week__in=before, state__in=[CONFIRMED, COMPLETED]
        ).scalar("site_id", "week")
    )
    return {
        site: next((n for n, week in enumerate(before) if (site, week) in staffed), MAX_AGE_BONUS)
        for site in site_ids
    }
