"""ISO weeks, the unit of the rota: ``2026-W49`` (Monday to Sunday)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
# the rota's calendar: a week outside it is refused (near its ends, the next week or a
# week's Sunday would not exist)
FIRST_YEAR, LAST_YEAR = 1900, 2100


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = WEEK_PATTERN.match(text or "")
        if not match:
            raise ValueError("an ISO week looks like 2026-W49")
        year, week = int(match[1]), int(match[2])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"a week of the years {FIRST_YEAR} to {LAST_YEAR}")
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{year} has no week {week}") from None
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def next(self, n: int = 1) -> IsoWeek:
        return IsoWeek.of(self.monday + timedelta(weeks=n))

    def is_past(self, today: date) -> bool:
        """The whole week is over (its Sunday is before today)."""
        return self.days()[-1] < today


def weeks_between(first: IsoWeek, last: IsoWeek) -> list[IsoWeek]:
    weeks, current = [], first
    while current <= last:
        weeks.append(current)
        current = current.next()
    return weeks
