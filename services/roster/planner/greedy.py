"""The baseline the planner must beat: fill weeks in order with the first available doctor."""

from __future__ import annotations

from services.roster.planner.model import Instance


def greedy(instance: Instance) -> list[tuple[str, int, str]]:
    placed_week = {(d, w) for _, w, d in instance.fixed}
    taken = {(s, w) for s, w, _ in instance.fixed}
    load: dict[str, set[int]] = {}
    for _, week, doctor in instance.fixed:
        load.setdefault(doctor, set()).add(week)
    offering: dict[int, list] = {}  # week -> the doctors offering it, in id order
    for doctor in sorted(instance.doctors, key=lambda d: d.id):
        for week in doctor.weeks:
            offering.setdefault(week, []).append(doctor)
    chosen = []
    for week in range(len(instance.weeks)):
        for site in sorted(instance.sites, key=lambda s: s.id):
            if (site.id, week) in taken or (site.id, week) in instance.no_housing:
                continue
            for doctor in offering.get(week, []):
                weeks = load.get(doctor.id, set())
                if (
                    doctor.profession not in site.professions
                    or (
                        doctor.candidate_sites is not None and site.id not in doctor.candidate_sites
                    )
                    or (doctor.id, week) in placed_week
                    or len(weeks) >= doctor.max_weeks
                ):
                    continue
                if any(abs(week - w) == 1 and not doctor.offered_together(week, w) for w in weeks):
                    continue
                chosen.append((site.id, week, doctor.id))
                taken.add((site.id, week))
                placed_week.add((doctor.id, week))
                load.setdefault(doctor.id, set()).add(week)
                break
    return chosen
