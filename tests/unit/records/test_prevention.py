"""The French prevention schedule at its age and sex boundaries."""

from datetime import date

import pytest

from services.records.prevention import RULES, age_on, due

TODAY = date(2026, 11, 22)


def born(age: int) -> date:
    """Born so as to be exactly ``age`` today (birthday today)."""
    return date(TODAY.year - age, TODAY.month, TODAY.day)


def codes(age: int, sex: str, done=None) -> set[str]:
    return {d["code"] for d in due(born(age), sex, done or {}, TODAY)}


@pytest.mark.parametrize(
    ("age", "sex", "code", "expected"),
    [
        (24, "m", "dtp", False),
        (25, "m", "dtp", True),
        (44, "f", "dtp", True),
        (64, "f", "flu", False),
        (65, "f", "flu", True),
        (49, "f", "breast", False),
        (50, "f", "breast", True),
        (74, "f", "breast", True),
        (75, "f", "breast", False),
        (60, "m", "breast", False),
        (49, "m", "colorectal", False),
        (50, "m", "colorectal", True),
        (74, "m", "colorectal", True),
        (75, "m", "colorectal", False),
        (24, "f", "cervical_cytology", False),
        (25, "f", "cervical_cytology", True),
        (29, "f", "cervical_cytology", True),
        (30, "f", "cervical_cytology", False),
        (30, "f", "cervical_hpv", True),
        (65, "f", "cervical_hpv", True),
        (66, "f", "cervical_hpv", False),
        (40, "m", "cervical_hpv", False),
    ],
)
def test_who_is_due_at_each_boundary_with_nothing_done(age, sex, code, expected):
    assert (code in codes(age, sex)) is expected


@pytest.mark.parametrize(
    ("age", "last_dtp", "expected"),
    [
        (30, date(2022, 1, 1), False),  # done since turning 25
        (45, date(2022, 1, 1), True),  # 45 reached, last before it
        (65, TODAY, False),
        (74, date(2017, 1, 1), True),  # 65 booster missed
        (75, born(75).replace(year=TODAY.year - 10), True),  # 75: every 10 years after 65
        (85, date(2021, 12, 1), True),
        (76, TODAY, False),
    ],
)
def test_dtp_boosters_at_25_45_65_then_every_ten_years(age, last_dtp, expected):
    assert ("dtp" in codes(age, "m", {"dtp": [last_dtp]})) is expected


@pytest.mark.parametrize(
    ("rule", "kind", "years_ago_days", "age", "expected"),
    [
        ("breast", "mammography", 700, 60, False),
        ("breast", "mammography", 731, 60, True),
        ("flu", "influenza", 300, 70, False),
        ("flu", "influenza", 400, 70, True),
        ("colorectal", "colorectal_fit", 365, 55, False),
        ("cervical_hpv", "cervical_hpv", 5 * 365 + 2, 40, True),
    ],
)
def test_intervals_since_the_last_one(rule, kind, years_ago_days, age, expected):
    from datetime import timedelta

    done = {kind: [TODAY - timedelta(days=years_ago_days)]}
    assert (rule in codes(age, "f", done)) is expected


def test_every_rule_names_its_source():
    assert all(rule.source for rule in RULES)


def test_age_counts_whole_years():
    assert age_on(date(2001, 11, 23), TODAY) == 24
    assert age_on(date(2001, 11, 22), TODAY) == 25
