"""Pure rules of the roster: ISO weeks, RPPS numbers, rota states (no I/O)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from chassis.problems import Conflict
from contracts.weeks import IsoWeek, weeks_between

PROFESSIONS = ("gp", "midwife")
PACE_DEFAULT, PACE_MIN, PACE_MAX = 3, 1, 6

PROPOSED, CONFIRMED, COMPLETED, RELEASED = "proposed", "confirmed", "completed", "released"
ACTIVE_STATES = (PROPOSED, CONFIRMED, COMPLETED)
TRANSITIONS = {
    PROPOSED: {CONFIRMED, RELEASED},
    CONFIRMED: {COMPLETED, RELEASED},
    COMPLETED: set(),
    RELEASED: set(),
}


class RuleViolation(Conflict):
    """A request that breaks a roster rule: 409 with a ``code`` and the details."""


def valid_rpps(number: str) -> bool:
    """11 digits whose last one is the Luhn check digit of the first ten."""
    if not re.fullmatch(r"\d{11}", number or ""):
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def with_check_digit(ten_digits: str) -> str:
    """Complete a 10-digit stem into a valid RPPS number (demo data, tests)."""
    for digit in "0123456789":
        if valid_rpps(ten_digits + digit):
            return ten_digits + digit
    raise ValueError(ten_digits)


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS[current]:
        raise RuleViolation(
            "invalid_transition",
            f"a {current} week cannot become {target}",
            state=current,
            requested=target,
        )


def now_utc() -> datetime:
    return datetime.now(UTC)


__all__ = ["IsoWeek", "weeks_between"]
