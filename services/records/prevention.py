"""Screenings and vaccinations due by age and sex: the French schedule, as data.

Each rule says who it concerns (sex, ages), what counts as done (the record's
vaccinations or screenings of a kind) and how long that lasts.  Ages are whole
years on the day of the check; an upper age is inclusive ("50-74" includes a
74-year-old, not a 75-year-old).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CALENDRIER = "Calendrier des vaccinations et recommandations vaccinales 2024, Ministère de la Santé"
INCA_SEIN = "Programme national de dépistage organisé du cancer du sein, INCa"
INCA_COLON = "Programme national de dépistage organisé du cancer colorectal, INCa"
HAS_COL = "Recommandation HAS 2019, dépistage du cancer du col de l'utérus"


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    kind: str  # "vaccination" | "screening"
    matches: tuple[str, ...]  # vaccine or screening kinds that count
    sex: str | None  # "f", "m" or None (everyone)
    min_age: int
    max_age: int | None
    every_years: int | None  # None: at fixed ages (``at_ages``)
    at_ages: tuple[int, ...] = ()
    then_every: int | None = None  # after the last of ``at_ages``
    source: str = ""


RULES = (
    Rule(
        "dtp",
        "Rappel diphtérie-tétanos-poliomyélite (dTP)",
        "vaccination",
        ("dtp", "dtcap"),
        None,
        25,
        None,
        None,
        at_ages=(25, 45, 65),
        then_every=10,
        source=CALENDRIER,
    ),
    Rule(
        "flu",
        "Vaccination antigrippale annuelle",
        "vaccination",
        ("influenza",),
        None,
        65,
        None,
        1,
        source=CALENDRIER,
    ),
    Rule(
        "breast",
        "Dépistage du cancer du sein (mammographie)",
        "screening",
        ("mammography",),
        "f",
        50,
        74,
        2,
        source=INCA_SEIN,
    ),
    Rule(
        "colorectal",
        "Dépistage du cancer colorectal (test immunologique)",
        "screening",
        ("colorectal_fit",),
        None,
        50,
        74,
        2,
        source=INCA_COLON,
    ),
    Rule(
        "cervical_cytology",
        "Dépistage du cancer du col (examen cytologique)",
        "screening",
        ("cervical_cytology", "cervical_hpv"),
        "f",
        25,
        29,
        3,
        source=HAS_COL,
    ),
    Rule(
        "cervical_hpv",
        "Dépistage du cancer du col (test HPV)",
        "screening",
        ("cervical_hpv",),
        "f",
        30,
        65,
        5,
        source=HAS_COL,
    ),
)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _milestone(rule: Rule, birth: date, age: int) -> date | None:
    """For fixed-age rules: the birthday of the latest milestone reached."""
    reached = [a for a in rule.at_ages if a <= age]
    if rule.then_every and rule.at_ages and age > rule.at_ages[-1]:
        last = rule.at_ages[-1]
        reached.append(last + (age - last) // rule.then_every * rule.then_every)
    return _years_after(birth, max(reached)) if reached else None


def due(birth: date, sex: str, done: dict[str, list[date]], today: date) -> list[dict]:
    """The rules due today; ``done`` maps vaccine or screening kinds to their dates."""
    age = age_on(birth, today)
    found = []
    for rule in RULES:
        if rule.sex and rule.sex != sex:
            continue
        if age < rule.min_age or (rule.max_age is not None and age > rule.max_age):
            continue
        dates = sorted(d for kind in rule.matches for d in done.get(kind, []))
        last = dates[-1] if dates else None
        if rule.every_years is None:
            since = _milestone(rule, birth, age)
            if since is None or (last and last >= since):
                continue
            reason = f"rappel de {age_on(birth, since)} ans non fait"
        else:
            if last and _years_after(last, rule.every_years) > today:
                continue
            reason = "jamais fait" if not last else f"dernier le {last.isoformat()}"
        found.append(
            {
                "code": rule.code,
                "label": rule.label,
                "kind": rule.kind,
                "reason": reason,
                "source": rule.source,
            }
        )
    return found
