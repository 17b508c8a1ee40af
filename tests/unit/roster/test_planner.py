"""The planner: optimal coverage (against brute force), hard constraints held, determinism."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.roster.planner.greedy import greedy
from services.roster.planner.model import Doctor, Instance, Offer, Site
from services.roster.planner.reasons import ALL_TAKEN, NO_HOUSING, NO_OFFER, NO_PROFESSION
from services.roster.planner.solver import candidates, solve


def violations(instance: Instance, plan: list[tuple[str, int, str]]) -> list[str]:
    """Every hard constraint, checked independently of the solver."""
    found = []
    everything = plan + list(instance.fixed)
    sites = {s.id: s for s in instance.sites}
    doctors = {d.id: d for d in instance.doctors}
    site_weeks = [(s, w) for s, w, _ in everything]
    doctor_weeks = [(d, w) for _, w, d in everything]
    if len(site_weeks) != len(set(site_weeks)):
        found.append("two doctors on one site-week")
    if len(doctor_weeks) != len(set(doctor_weeks)):
        found.append("a doctor at two sites in one week")
    for site, week, doctor_id in plan:
        doctor = doctors[doctor_id]
        if week not in doctor.weeks:
            found.append(f"{doctor_id} was not offered week {week}")
        if doctor.profession not in sites[site].professions:
            found.append(f"{site} does not take a {doctor.profession}")
        if (site, week) in instance.no_housing:
            found.append(f"no housing at {site} in week {week}")
        if doctor.candidate_sites is not None and site not in doctor.candidate_sites:
            found.append(f"{doctor_id} cannot go to {site}")
    for doctor in instance.doctors:
        weeks = sorted(w for _, w, d in everything if d == doctor.id)
        if len(weeks) > doctor.max_weeks and any(d == doctor.id for _, _, d in plan):
            found.append(f"{doctor.id} over their limit")
        for a, b in itertools.pairwise(weeks):
            if (
                b == a + 1
                and not doctor.offered_together(a, b)
                and any(d == doctor.id and w in (a, b) for _, w, d in plan)
            ):
                found.append(f"{doctor.id} in consecutive weeks not offered together")
    return found


def brute_force_best(instance: Instance) -> int:
    """The best weighted coverage, by trying every assignment of every candidate."""
    allowed = list(candidates(instance))
    weights = {s.id: instance.coverage_weight(s) for s in instance.sites}
    best = 0
    for size in range(len(allowed) + 1):
        for plan in itertools.combinations(allowed, size):
            if not violations(instance, list(plan)):
                best = max(best, sum(weights[s] for s, _, _ in plan))
    return best


def small_instance(seed: int) -> Instance:
    import random

    rng = random.Random(seed)
    weeks = tuple(f"2027-W{n:02d}" for n in range(1, 4))
    sites = (
        Site("a", frozenset({"gp"}), rng.randint(0, 5)),
        Site("b", frozenset({"gp", "midwife"}), rng.randint(0, 5)),
    )
    doctors = []
    for n in range(3):
        offered = frozenset(rng.sample(range(3), rng.randint(1, 2)))
        together = rng.random() < 0.5
        offers = (Offer(offered),) if together else tuple(Offer(frozenset({w})) for w in offered)
        doctors.append(
            Doctor(
                f"d{n}", rng.choice(["gp", "gp", "midwife"]), offers, max_weeks=rng.randint(1, 2)
            )
        )
    return Instance(weeks, sites, tuple(doctors), no_housing=frozenset({("a", rng.randint(0, 2))}))


def test_on_small_instances_the_planner_finds_the_brute_force_optimum():
    for seed in range(12):
        instance = small_instance(seed)
        result = solve(instance)
        assert result.optimal
        assert result.coverage_objective == brute_force_best(instance), seed
        assert not violations(instance, result.proposals)


@st.composite
def instances(draw):
    week_count = draw(st.integers(2, 6))
    weeks = tuple(f"2027-W{n:02d}" for n in range(1, week_count + 1))
    sites = tuple(
        Site(
            f"s{i}",
            frozenset(draw(st.sets(st.sampled_from(["gp", "midwife"]), min_size=1))),
            draw(st.integers(0, 30)),
        )
        for i in range(draw(st.integers(1, 4)))
    )
    site_ids = [s.id for s in sites]
    doctors = []
    for i in range(draw(st.integers(1, 8))):
        offers = tuple(
            Offer(
                frozenset(draw(st.sets(st.integers(0, week_count - 1), min_size=1, max_size=3))),
                frozenset(draw(st.sets(st.sampled_from(site_ids), max_size=2))),
            )
            for _ in range(draw(st.integers(1, 2)))
        )
        doctors.append(
            Doctor(
                f"d{i}",
                draw(st.sampled_from(["gp", "midwife"])),
                offers,
                max_weeks=draw(st.integers(1, 4)),
                worked_at=frozenset(draw(st.sets(st.sampled_from(site_ids)))),
                candidate_sites=draw(
                    st.none() | st.frozensets(st.sampled_from(site_ids), min_size=1)
                ),
            )
        )
    fixed = []
    used_sites, used_doctors = set(), set()
    for doctor in doctors[: draw(st.integers(0, 2))]:
        week = min(doctor.weeks)
        site = draw(st.sampled_from(site_ids))
        if (site, week) not in used_sites and (doctor.id, week) not in used_doctors:
            fixed.append((site, week, doctor.id))
            used_sites.add((site, week))
            used_doctors.add((doctor.id, week))
    no_housing = frozenset(
        draw(
            st.sets(
                st.tuples(st.sampled_from(site_ids), st.integers(0, week_count - 1)), max_size=3
            )
        )
    )
    return Instance(weeks, sites, tuple(doctors), tuple(fixed), no_housing - used_sites)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
@given(instances())
def test_no_hard_constraint_is_ever_broken_and_confirmed_weeks_never_move(instance):
    result = solve(instance, seconds=5)
    assert result.optimal
    assert not violations(instance, result.proposals)
    assert result.fixed == list(instance.fixed)
    assert not {(s, w) for s, w, _ in result.proposals} & {(s, w) for s, w, _ in instance.fixed}
    assert result.covered >= len(greedy(instance)) + len(instance.fixed)
    assert len(result.gaps) == len(instance.sites) * len(instance.weeks) - result.covered


def test_the_same_input_gives_the_same_rota():
    instance = small_instance(3)
    first = solve(instance)
    assert all(solve(instance).proposals == first.proposals for _ in range(3))


def test_each_open_gap_says_why():
    weeks = ("2027-W01", "2027-W02", "2027-W03", "2027-W04")
    sites = (Site("bus", frozenset({"midwife"})), Site("centre", frozenset({"gp"})))
    doctors = (
        Doctor("gp1", "gp", (Offer(frozenset({0, 1})),), max_weeks=1),
        Doctor("gp2", "gp", (Offer(frozenset({2})),)),
    )
    instance = Instance(weeks, sites, doctors, no_housing=frozenset({("centre", 2)}))
    result = solve(instance)
    reasons = {(g["site"], g["week"]): g["reason"] for g in result.gaps}
    assert reasons[("centre", "2027-W03")] == NO_HOUSING
    assert reasons[("centre", "2027-W04")] == NO_OFFER
    assert reasons[("bus", "2027-W01")] == NO_PROFESSION
    # gp1 takes one of its two weeks; the other stays open: gp1 is at its one-week limit
    (open_week,) = [w for w in ("2027-W01", "2027-W02") if ("centre", w) in reasons]
    assert reasons[("centre", open_week)] == ALL_TAKEN


def test_continuity_then_preference_break_ties_at_equal_coverage():
    weeks = ("2027-W01",)
    sites = (Site("a", frozenset({"gp"})), Site("b", frozenset({"gp"})))
    doctors = (
        Doctor(
            "returning",
            "gp",
            (Offer(frozenset({0}), frozenset({"a"})),),
            worked_at=frozenset({"b"}),
        ),
    )
    result = solve(Instance(weeks, sites, doctors))
    assert result.proposals == [("b", 0, "returning")]  # knows b: continuity first
