"""The planner's constraint model (OR-Tools CP-SAT), solved in stages.

Hard constraints: one doctor per site-week; a doctor at one site a week; only
offered weeks; a profession the site accepts; housing available; at most
``max_weeks`` weeks per doctor in the horizon; no two consecutive weeks unless
offered together; confirmed weeks stay as they are.

The problem is first split into independent parts (doctors and sites that no
candidate links); each part is solved on its own, which keeps the optimum.
Stage 1 maximises coverage, each covered site-week weighted up for sites that
have gone longest without a doctor, and says whether that is proven optimal.
Stage 2 keeps that coverage and prefers continuity, then preferred sites, then
an even spread of weeks across doctors.  The search is deterministic
(interleaved, with deterministic time limits), so the same input gives the
same rota.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from services.roster.planner.model import Instance, Result
from services.roster.planner.reasons import explain_gaps


def _parameters(deterministic_seconds: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.interleave_search = workers > 1  # deterministic with several workers
    solver.parameters.max_deterministic_time = deterministic_seconds
    solver.parameters.random_seed = 7
    # measured on a national part (~1,000 candidates): 2.2 s with the defaults on one
    # worker, 0.05 s with the LP relaxation at level 2, which closes the coverage bound
    solver.parameters.linearization_level = 2
    return solver


def candidates(instance: Instance) -> dict[tuple[str, int, str], tuple]:
    """Every allowed (site, week, doctor), with what it earns in stage 2."""
    taken_site_weeks = {(s, w) for s, w, _ in instance.fixed}
    taken_doctor_weeks = {(d, w) for _, w, d in instance.fixed}
    allowed = {}
    sites = {s.id: s for s in instance.sites}
    every_site = sorted(sites)
    for doctor in sorted(instance.doctors, key=lambda d: d.id):
        reachable = (
            sorted(doctor.candidate_sites) if doctor.candidate_sites is not None else every_site
        )
        weeks = [w for w in sorted(doctor.weeks) if (doctor.id, w) not in taken_doctor_weeks]
        preferred = doctor.preferred  # a union over the offers: computed once per doctor
        for site in (sites[i] for i in reachable if i in sites):
            if doctor.profession not in site.professions:
                continue
            earns = (site.id in doctor.worked_at, site.id in preferred)
            for week in weeks:
                if (site.id, week) in instance.no_housing or (site.id, week) in taken_site_weeks:
                    continue
                allowed[(site.id, week, doctor.id)] = earns
    return allowed


def parts(allowed) -> list[list[tuple[str, int, str]]]:
    """The candidates split into independent parts: doctors and sites no choice links.

    Two candidates interact only through a shared site-week or a shared doctor,
    so the connected components of the doctor-site graph can be solved one by
    one; the sum of their optima is the optimum of the whole.
    """
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for site, _, doctor in allowed:
        a, b = root(("site", site)), root(("doctor", doctor))
        if a != b:
            parent[max(a, b)] = min(a, b)
    grouped: dict[tuple[str, str], list] = {}
    for key in sorted(allowed):
        grouped.setdefault(root(("doctor", key[2])), []).append(key)
    return [grouped[k] for k in sorted(grouped)]


def solve(
    instance: Instance, seconds: float = 20.0, workers: int = 1, refine: bool = True
) -> Result:
    """``seconds`` of deterministic solver time per independent part, at most."""
    started = time.monotonic()
    allowed = candidates(instance)
    result = Result(proposals=[], fixed=list(instance.fixed))
    statuses, chosen = set(), []
    given = _Given.of(instance)
    for keys in parts(allowed):
        outcome = _solve_part(given, keys, allowed, seconds, workers, refine)
        statuses.add(outcome.status)
        chosen += outcome.chosen
        result.coverage_objective += outcome.objective
        result.coverage_bound += outcome.bound
    if statuses <= {cp_model.OPTIMAL}:
        result.status, result.optimal = "OPTIMAL", True
    elif statuses <= {cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN}:
        result.status = "FEASIBLE"  # a part without a solution in time stays unstaffed
    else:
        result.status = "INVALID"
    result.proposals = sorted(chosen)
    result.covered = len(result.proposals) + len(instance.fixed)
    result.gaps = explain_gaps(instance, result.proposals)
    result.seconds = time.monotonic() - started
    return result


@dataclass
class _Given:
    """What every part reads of the instance, built once."""

    weeks: int
    doctors: dict
    fixed_load: dict  # doctor -> week indexes already confirmed
    weights: dict  # site -> weight of a covered week

    @classmethod
    def of(cls, instance: Instance) -> _Given:
        fixed_load: dict[str, set[int]] = {}
        for _, week, doctor in instance.fixed:
            fixed_load.setdefault(doctor, set()).add(week)
        return cls(
            len(instance.weeks),
            {d.id: d for d in instance.doctors},
            fixed_load,
            {s.id: instance.coverage_weight(s) for s in instance.sites},
        )


@dataclass
class _Outcome:
    status: int
    chosen: list
    objective: int
    bound: float


def _solve_part(given: _Given, keys, allowed, seconds, workers, refine) -> _Outcome:
    model = cp_model.CpModel()
    x = {key: model.new_bool_var(f"x_{key[0]}_{key[1]}_{key[2]}") for key in keys}
    by_site_week, by_doctor_week, by_doctor = {}, {}, {}
    for (site, week, doctor), var in x.items():
        by_site_week.setdefault((site, week), []).append(var)
        by_doctor_week.setdefault((doctor, week), []).append(var)
        by_doctor.setdefault(doctor, []).append(var)
    for variables in (*by_site_week.values(), *by_doctor_week.values()):
        model.add_at_most_one(variables)
    doctors, fixed_load = given.doctors, given.fixed_load
    for doctor_id, variables in by_doctor.items():
        budget = doctors[doctor_id].max_weeks - len(fixed_load.get(doctor_id, ()))
        model.add(cp_model.LinearExpr.sum(variables) <= max(budget, 0))
    for doctor_id in sorted(by_doctor):
        doctor, fixed_weeks = doctors[doctor_id], fixed_load.get(doctor_id, set())
        for week in range(given.weeks - 1):
            if doctor.offered_together(week, week + 1):
                continue
            here = by_doctor_week.get((doctor.id, week), [])
            after = by_doctor_week.get((doctor.id, week + 1), [])
            taken = int(week in fixed_weeks) + int(week + 1 in fixed_weeks)
            if (here or after) and taken < 2:
                model.add(cp_model.LinearExpr.sum(here + after) <= 1 - taken)
    coverage = cp_model.LinearExpr.weighted_sum(
        [x[k] for k in keys], [given.weights[k[0]] for k in keys]
    )
    model.maximize(coverage)
    solver = _parameters(seconds, workers)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Outcome(status, [], 0, solver.best_objective_bound)
    best = round(solver.objective_value)
    values = {key: solver.boolean_value(v) for key, v in x.items()}
    if refine:
        part_doctors = [doctors[d] for d in by_doctor]
        values = _refine(model, x, allowed, coverage, best, part_doctors, values, seconds, workers)
    chosen = [key for key, picked in values.items() if picked]
    return _Outcome(status, chosen, best, solver.best_objective_bound)


def _refine(model, x, allowed, coverage, best, doctors, values, seconds, workers):
    """Stage 2: same coverage; continuity, then preferred sites, then an even spread."""
    model.add(coverage >= best)
    for key, var in x.items():
        model.add_hint(var, values[key])
    loads = {}
    for (_, _, doctor), var in x.items():
        loads.setdefault(doctor, []).append(var)
    heaviest = model.new_int_var(0, max((d.max_weeks for d in doctors), default=0), "heaviest")
    for variables in loads.values():
        model.add(cp_model.LinearExpr.sum(variables) <= heaviest)
    total = len(x) + 1
    continuity = cp_model.LinearExpr.sum([v for key, v in x.items() if allowed[key][0]])
    preferred = cp_model.LinearExpr.sum([v for key, v in x.items() if allowed[key][1]])
    model.maximize(continuity * total * total + preferred * total - heaviest)
    solver = _parameters(seconds, workers)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {key: solver.boolean_value(v) for key, v in x.items()}
    return values
