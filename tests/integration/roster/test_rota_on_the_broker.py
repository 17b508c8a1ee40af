"""Roster events on the real RabbitMQ, and the rota under real concurrency."""

import json
import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chassis.testing.server import serving
from contracts.catalog import catalog
from contracts.envelope import parse
from services.roster.calendar import public_holiday
from services.roster.documents import Assignment
from services.roster.domain import IsoWeek
from tests.integration.roster.conftest import post
from tests.support.roster import CENTRE, doctor, future_week, known_to_directory

CONFIRMED = "roster.week.confirmed.v1"
RELEASED = "roster.week.released.v1"


def _confirmed_week(client, operator, coordinator, n: int) -> tuple[str, str, dict]:
    """The centre, doctor ``n`` (known to the directory) and their week in two weeks, confirmed."""
    client.post("/sites", json=CENTRE, headers=operator)
    body = doctor(n)
    known_to_directory(body["rpps"])
    doctor_id = client.post("/doctors", json=body, headers=coordinator).get_json()["id"]
    week = future_week(2)
    assignment = client.post(
        "/assignments",
        json={"site_id": "site-ajain", "week": week, "doctor_id": doctor_id, "confirm": True},
        headers=coordinator,
    ).get_json()
    return doctor_id, week, assignment


def test_twenty_concurrent_confirmations_of_one_site_week_make_one_winner(roster, bearer, tap):
    events = tap(CONFIRMED)
    operator, coordinator = bearer("operator"), bearer("coordinator", sites=["site-ajain"])
    client = roster.test_client()
    assert client.post("/sites", json=CENTRE, headers=operator).status_code == 201
    doctors = []
    for n in range(20):
        body = doctor(n)
        known_to_directory(body["rpps"])
        doctors.append(client.post("/doctors", json=body, headers=coordinator).get_json()["id"])
    week = future_week(4)
    results = []
    start = threading.Barrier(20)

    def confirm(doctor_id):
        start.wait()
        body = {"site_id": "site-ajain", "week": week, "doctor_id": doctor_id, "confirm": True}
        results.append(post(base, "/assignments", body, coordinator))

    with serving(roster) as base:
        threads = [threading.Thread(target=confirm, args=(d,)) for d in doctors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 19
    winner = next(body for status, body in results if status == 201)
    losers = [body for status, body in results if status == 409]
    assert all(b["code"] == "site_week_taken" for b in losers)
    assert all(b["conflict"]["id"] == winner["id"] for b in losers)
    assert Assignment.objects(site_id="site-ajain", week=week).count() == 1
    received = events.drain(expect=1, settle=1.0)
    assert [e["data"]["assignment_id"] for e in received] == [winner["id"]]


def test_a_confirmed_week_is_announced_with_what_booking_needs_then_its_release(
    roster, bearer, tap
):
    events = tap(CONFIRMED, RELEASED)
    client, coordinator = roster.test_client(), bearer("coordinator")
    doctor_id, week, assignment = _confirmed_week(client, bearer("operator"), coordinator, 7)

    (confirmed,) = events.drain(expect=1)
    event = parse(json.dumps(confirmed), catalog())  # validates envelope and data
    assert event.type == CONFIRMED and event.subject == assignment["id"]
    assert catalog().get(CONFIRMED).schema().validate(confirmed["data"]) == {}
    assert event.data["doctor_id"] == doctor_id and event.data["pace"] == 3
    assert event.data["site_code"] == "AJN"
    assert event.data["opening"] and all(p["start"].tzinfo for p in event.data["opening"])

    client.post(
        f"/assignments/{assignment['id']}/release", json={"reason": "ill"}, headers=coordinator
    )
    (released,) = events.drain(expect=1)
    assert released["type"] == RELEASED
    assert released["data"] == {
        "assignment_id": assignment["id"],
        "site_id": "site-ajain",
        "week": week,
        "doctor_id": doctor_id,
        "reason": "ill",
    }


def _next_weekday_holiday() -> date:
    day = date.today() + timedelta(days=7)
    while not (public_holiday(day) and day.weekday() < 5):
        day += timedelta(days=1)
    return day


def _confirm_at_ajain(roster, bearer, week: IsoWeek) -> None:
    client = roster.test_client()
    client.post("/sites", json=CENTRE, headers=bearer("operator"))
    coordinator = bearer("coordinator")
    body = doctor(8)
    known_to_directory(body["rpps"])
    doctor_id = client.post("/doctors", json=body, headers=coordinator).get_json()["id"]
    response = client.post(
        "/assignments",
        json={"site_id": "site-ajain", "week": str(week), "doctor_id": doctor_id, "confirm": True},
        headers=coordinator,
    )
    assert response.status_code == 201, response.get_json()


def test_a_public_holiday_is_closed_all_day_in_the_event(roster, bearer, tap):
    events = tap(CONFIRMED)
    holiday = _next_weekday_holiday()  # whatever its weekday, Ascension's Thursday included
    _confirm_at_ajain(roster, bearer, IsoWeek.of(holiday))
    (confirmed,) = events.drain(expect=1)
    data = confirmed["data"]
    assert (holiday.isoformat(), "day") in {(c["date"], c["part"]) for c in data["closed"]}
    assert holiday.isoformat() not in {p["start"][:10] for p in data["opening"]}


PARIS = ZoneInfo("Europe/Paris")
# Ajain's default Thursday is 08:30-12:00 then closed: 12:00 Paris is 11:00Z in winter
# (UTC+1) and 10:00Z in summer (UTC+2).
THURSDAY_MORNING_UTC = {"winter": ("07:30", "11:00"), "summer": ("06:30", "10:00")}


def _week_with_an_ordinary_thursday(season: str) -> IsoWeek:
    """The next week with no public holiday, whose Thursday is in that season's Paris time."""
    offset = timedelta(hours=1 if season == "winter" else 2)
    week = IsoWeek.of(date.today() + timedelta(weeks=1))
    while True:
        thursday = week.days()[3]
        local_noon = datetime.combine(thursday, time(12), PARIS)
        if local_noon.utcoffset() == offset and not any(
            public_holiday(day) for day in week.days()[:5]
        ):
            return week
        week = week.next(1)


@pytest.mark.parametrize("season", ["winter", "summer"])
def test_thursday_afternoon_is_closed_at_noon_paris_time_in_the_event(roster, bearer, tap, season):
    events = tap(CONFIRMED)
    week = _week_with_an_ordinary_thursday(season)
    _confirm_at_ajain(roster, bearer, week)
    (confirmed,) = events.drain(expect=1)
    data = confirmed["data"]
    thursday = week.days()[3].isoformat()

    assert data["closed"] == [
        {"date": thursday, "part": "afternoon", "reason": "thursday_afternoon"}
    ]
    start, end = THURSDAY_MORNING_UTC[season]
    on_thursday = [p for p in data["opening"] if p["start"].startswith(thursday)]
    assert on_thursday == [
        {"start": f"{thursday}T{start}:00+00:00", "end": f"{thursday}T{end}:00+00:00", "stop": None}
    ]
    wednesday = week.days()[2].isoformat()  # an ordinary day keeps its afternoon
    assert len([p for p in data["opening"] if p["start"].startswith(wednesday)]) == 2


def test_a_gap_is_announced_once_while_it_stays_open(roster, bearer, tap):
    from services.roster import handlers

    gaps = tap("roster.gap.detected.v1")
    client, coordinator = roster.test_client(), bearer("coordinator")
    doctor_id, week, assignment = _confirmed_week(client, bearer("operator"), coordinator, 9)
    handlers.announce_gaps(["site-ajain"], [IsoWeek.parse(week)])  # covered: nothing to say
    assert gaps.drain(expect=0, settle=1.0) == []

    client.post(
        f"/assignments/{assignment['id']}/release", json={"reason": "ill"}, headers=coordinator
    )
    handlers.announce_gaps(["site-ajain"], [IsoWeek.parse(week)])  # already announced
    received = gaps.drain(expect=1, settle=1.0)
    assert [(e["data"]["site_id"], e["data"]["week"]) for e in received] == [("site-ajain", week)]
    assert received[0]["data"]["commune"] == "Ajain"

    # covered again, then released again: a new announcement
    again = client.post(
        "/assignments",
        json={"site_id": "site-ajain", "week": week, "doctor_id": doctor_id, "confirm": True},
        headers=coordinator,
    ).get_json()
    client.post(
        f"/assignments/{again['id']}/release", json={"reason": "ill again"}, headers=coordinator
    )
    assert len(gaps.drain(expect=1, settle=1.0)) == 1
