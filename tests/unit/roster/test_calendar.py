"""A week's opening calendar: hours in Paris time given in UTC, holidays, Thursday afternoon."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

from services.roster.calendar import week_calendar
from services.roster.domain import IsoWeek


def hours(weekday, start, end):
    return SimpleNamespace(weekday=weekday, start=start, end=end)


def centre(thursday_closed=True):
    return SimpleNamespace(
        kind="centre",
        closed_thursday_afternoon=thursday_closed,
        hours=[
            hours(d, s, e) for d in range(5) for s, e in (("08:30", "12:00"), ("14:00", "18:30"))
        ],
        stops=[],
    )


def starts(calendar):
    return [(p["start"], p["end"]) for p in calendar["opening"]]


def test_thursday_afternoon_is_closed_by_default_and_shown_as_such():
    calendar = week_calendar(centre(), IsoWeek.parse("2026-W50"))  # 7-11 December 2026
    thursday = [p for p in calendar["opening"] if p["start"].date() == date(2026, 12, 10)]
    assert [(p["start"].hour, p["end"].hour) for p in thursday] == [(7, 11)]  # 08:30-12:00 CET
    assert {"date": date(2026, 12, 10), "part": "afternoon", "reason": "thursday_afternoon"} in (
        calendar["closed"]
    )
    assert len(calendar["opening"]) == 9


def test_a_centre_may_open_on_thursday_afternoon():
    calendar = week_calendar(centre(thursday_closed=False), IsoWeek.parse("2026-W50"))
    assert len(calendar["opening"]) == 10 and calendar["closed"] == []


def test_public_holidays_are_closed_all_day():
    calendar = week_calendar(centre(), IsoWeek.parse("2026-W46"))  # Wednesday 11 November
    assert {
        "date": date(2026, 11, 11),
        "part": "day",
        "reason": "public holiday: Armistice",
    } in calendar["closed"]
    assert not [p for p in calendar["opening"] if p["start"].date() == date(2026, 11, 11)]


def test_paris_hours_become_utc_across_daylight_saving():
    summer = week_calendar(centre(), IsoWeek.parse("2026-W27"))["opening"][0]
    winter = week_calendar(centre(), IsoWeek.parse("2026-W50"))["opening"][0]
    assert summer["start"] == datetime(2026, 6, 29, 6, 30, tzinfo=UTC)  # 08:30 CEST
    assert winter["start"] == datetime(2026, 12, 7, 7, 30, tzinfo=UTC)  # 08:30 CET


def test_a_mobile_unit_opens_at_its_stops_each_on_its_day():
    stop = SimpleNamespace(
        weekday=2,
        start="09:00",
        end="12:30",
        to_event=lambda: {
            "stop_id": "lauriere",
            "commune": "Laurière",
            "address": "",
            "location": {"lon": 1.47, "lat": 46.08},
        },
    )
    bus = SimpleNamespace(kind="mobile", closed_thursday_afternoon=True, hours=[], stops=[stop])
    calendar = week_calendar(bus, IsoWeek.parse("2026-W50"))
    assert len(calendar["opening"]) == 1
    opening = calendar["opening"][0]
    assert opening["start"] == datetime(2026, 12, 9, 8, 0, tzinfo=UTC)
    assert opening["stop"]["stop_id"] == "lauriere"
