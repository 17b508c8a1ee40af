"""The planner's instance and result: plain data, independent of the database."""

from __future__ import annotations

from dataclasses import dataclass, field

COVERAGE_UNIT = 100  # a covered site-week; plus up to MAX_AGE_BONUS for long-uncovered sites
MAX_AGE_BONUS = 20


@dataclass(frozen=True)
class Site:
    id: str
    professions: frozenset[str]
    weeks_without_doctor: int = 0  # before the horizon: the longer, the more it matters


@dataclass(frozen=True)
class Offer:
    weeks: frozenset[int]  # indexes into Instance.weeks
    preferred_sites: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Doctor:
    id: str
    profession: str
    offers: tuple[Offer, ...]
    max_weeks: int = 4
    worked_at: frozenset[str] = frozenset()  # sites they know (continuity)
    candidate_sites: frozenset[str] | None = None  # None: every site

    @property
    def weeks(self) -> frozenset[int]:
        return frozenset().union(*(o.weeks for o in self.offers))

    @property
    def preferred(self) -> frozenset[str]:
        return frozenset().union(*(o.preferred_sites for o in self.offers))

    def offered_together(self, first: int, second: int) -> bool:
        return any(first in o.weeks and second in o.weeks for o in self.offers)


@dataclass(frozen=True)
class Instance:
    weeks: tuple[str, ...]  # ISO weeks, consecutive
    sites: tuple[Site, ...]
    doctors: tuple[Doctor, ...]
    fixed: tuple[tuple[str, int, str], ...] = ()  # confirmed (site, week index, doctor)
    no_housing: frozenset[tuple[str, int]] = frozenset()

    def coverage_weight(self, site: Site) -> int:
        return COVERAGE_UNIT + min(site.weeks_without_doctor, MAX_AGE_BONUS)


@dataclass
class Result:
    proposals: list[tuple[str, int, str]]  # new (site, week index, doctor)
    fixed: list[tuple[str, int, str]]
    gaps: list[dict] = field(default_factory=list)  # {"site", "week", "reason"}
    covered: int = 0  # site-weeks with a doctor, fixed ones included
    coverage_objective: int = 0
    coverage_bound: float = 0.0
    optimal: bool = False
    status: str = ""
    seconds: float = 0.0
