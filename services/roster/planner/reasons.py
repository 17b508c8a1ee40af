"""Why a site-week stays open, in the order a coordinator would check."""

from __future__ import annotations

from services.roster.planner.model import Instance

NO_HOUSING = "no_housing"
NO_OFFER = "no_offer"
NO_PROFESSION = "no_accepted_profession"
ALL_TAKEN = "offering_doctors_placed_elsewhere_or_at_limit"


def explain_gaps(instance: Instance, proposals: list[tuple[str, int, str]]) -> list[dict]:
    covered = {(s, w) for s, w, _ in proposals} | {(s, w) for s, w, _ in instance.fixed}
    everywhere: dict[int, set[str]] = {}  # week -> professions offered at any site
    offered: dict[tuple[str, int], set[str]] = {}  # (site, week) -> professions offered there
    for doctor in instance.doctors:
        for week in doctor.weeks:
            if doctor.candidate_sites is None:
                everywhere.setdefault(week, set()).add(doctor.profession)
            else:
                for site in doctor.candidate_sites:
                    offered.setdefault((site, week), set()).add(doctor.profession)
    gaps = []
    for site in sorted(instance.sites, key=lambda s: s.id):
        for week, name in enumerate(instance.weeks):
            if (site.id, week) in covered:
                continue
            professions = offered.get((site.id, week), set()) | everywhere.get(week, set())
            if (site.id, week) in instance.no_housing:
                reason = NO_HOUSING
            elif not professions:
                reason = NO_OFFER
            elif not professions & site.professions:
                reason = NO_PROFESSION
            else:
                reason = ALL_TAKEN
            gaps.append({"site": site.id, "week": name, "reason": reason})
    return gaps
