from datetime import date

import pytest

from services.roster.domain import (
    IsoWeek,
    RuleViolation,
    check_transition,
    valid_rpps,
    weeks_between,
)


@pytest.mark.parametrize("text", ["2026-W54", "2027-W53", "2026-W00", "2026W10", "26-W10", ""])
def test_impossible_iso_weeks_are_refused(text):
    with pytest.raises(ValueError):
        IsoWeek.parse(text)


def test_iso_weeks_know_their_days_and_neighbours():
    week = IsoWeek.parse("2026-W53")  # 2026 has 53 ISO weeks
    assert week.monday == date(2026, 12, 28)
    assert str(week.next()) == "2027-W01"
    assert [
        str(w) for w in weeks_between(IsoWeek.parse("2026-W52"), IsoWeek.parse("2027-W01"))
    ] == [
        "2026-W52",
        "2026-W53",
        "2027-W01",
    ]


def test_a_week_is_past_only_once_its_sunday_is_over():
    week = IsoWeek.parse("2026-W48")  # Monday 23 to Sunday 29 November
    assert not week.is_past(date(2026, 11, 29))
    assert week.is_past(date(2026, 11, 30))


@pytest.mark.parametrize(
    ("number", "ok"),
    [("10000000009", True), ("10000000008", False), ("1000000000", False), ("1000000000a", False)],
)
def test_rpps_numbers_carry_a_luhn_check_digit(number, ok):
    assert valid_rpps(number) is ok


def test_released_and_completed_weeks_are_final():
    for final in ("released", "completed"):
        with pytest.raises(RuleViolation) as raised:
            check_transition(final, "confirmed")
        assert raised.value.code == "invalid_transition"
    check_transition("proposed", "confirmed")
    check_transition("confirmed", "released")
