"""A confirmed week's new pace or capacity, and a new doctor: their events on the real RabbitMQ."""

import json
from datetime import date, time, timedelta

from contracts.catalog import catalog
from contracts.envelope import parse
from services.roster.calendar import public_holiday, to_utc
from services.roster.domain import IsoWeek
from tests.support.roster import CENTRE, doctor, known_to_directory

UPDATED = "roster.week.updated.v1"
REGISTERED = "roster.doctor.registered.v1"


def _valid(envelope: dict, kind: str):
    """The envelope and its data both validate against the published contract."""
    event = parse(json.dumps(envelope), catalog())
    assert event.type == kind
    assert catalog().get(kind).schema().validate(envelope["data"]) == {}
    return event


def _week_without_holidays(weeks_ahead: int) -> IsoWeek:
    week = IsoWeek.of(date.today() + timedelta(weeks=weeks_ahead))
    while any(public_holiday(day) for day in week.days()[:5]):
        week = week.next(1)
    return week


def _setup(client, bearer, n=1):
    coordinator = bearer("coordinator", sites=["site-ajain"])
    assert client.post("/sites", json=CENTRE, headers=bearer("operator")).status_code == 201
    body = doctor(n)
    known_to_directory(body["rpps"])
    doctor_id = client.post("/doctors", json=body, headers=coordinator).get_json()["id"]
    return coordinator, doctor_id


def test_a_new_pace_and_capacity_of_a_confirmed_week_are_announced(roster, bearer, tap):
    events = tap(UPDATED)
    client = roster.test_client()
    coordinator, doctor_id = _setup(client, bearer)
    week = _week_without_holidays(2)
    assignment = client.post(
        "/assignments",
        json={"site_id": "site-ajain", "week": str(week), "doctor_id": doctor_id, "confirm": True},
        headers=coordinator,
    ).get_json()
    the_doctor = bearer("doctor", sub=doctor_id)

    paced = client.patch(
        f"/assignments/{assignment['id']}/settings", json={"pace": 5}, headers=the_doctor
    )
    assert paced.status_code == 200
    held = client.patch(
        f"/assignments/{assignment['id']}/settings",
        json={"held_back": [{"weekday": 1, "slots": 2, "release_time": "08:00"}]},
        headers=coordinator,
    )
    assert held.status_code == 200

    first, second = events.drain(expect=2)
    for envelope in (first, second):
        event = _valid(envelope, UPDATED)
        assert event.subject == assignment["id"]
        assert event.data["assignment_id"] == assignment["id"]
        assert event.data["doctor_id"] == doctor_id and event.data["week"] == str(week)
        assert event.data["opening"]  # everything booking needs to make the slots again
    assert (first["data"]["revision"], first["data"]["pace"], first["data"]["held_back"]) == (
        2,
        5,
        [],
    )
    tuesday = week.days()[1]
    assert (second["data"]["revision"], second["data"]["pace"]) == (3, 5)
    assert second["data"]["held_back"] == [
        {
            "date": tuesday.isoformat(),
            "slots": 2,
            "release_at": to_utc(tuesday, time(8, 0)).isoformat(),
        }
    ]


def test_a_proposed_weeks_settings_and_refused_changes_announce_nothing(roster, bearer, tap):
    events = tap(UPDATED)
    client = roster.test_client()
    coordinator, doctor_id = _setup(client, bearer)
    proposed = client.post(
        "/assignments",
        json={
            "site_id": "site-ajain",
            "week": str(_week_without_holidays(3)),
            "doctor_id": doctor_id,
        },
        headers=coordinator,
    ).get_json()
    url = f"/assignments/{proposed['id']}/settings"
    assert client.patch(url, json={"pace": 4}, headers=coordinator).status_code == 200
    assert client.patch(url, json={"pace": 0}, headers=coordinator).status_code == 422
    assert events.drain(expect=0, settle=1.5) == []


def test_a_registered_doctor_is_announced_once(roster, bearer, tap):
    events = tap(REGISTERED)
    client = roster.test_client()
    coordinator = bearer("coordinator")
    body = doctor(11, "midwife")
    created = client.post("/doctors", json=body, headers=coordinator)
    assert created.status_code == 201
    doctor_id = created.get_json()["id"]
    again = client.post("/doctors", json=body, headers=coordinator)
    assert again.status_code == 409
    refused = client.post("/doctors", json={**body, "rpps": "123"}, headers=coordinator)
    assert refused.status_code == 422

    received = events.drain(expect=1, settle=1.5)

    assert len(received) == 1
    event = _valid(received[0], REGISTERED)
    assert event.subject == doctor_id
    assert received[0]["data"] == {
        "doctor_id": doctor_id,
        "rpps": body["rpps"],
        "profession": "midwife",
        "display_name": "Dr Claire Martinl",
    }
    assert received[0]["source"] == "/relais/roster"
