"""Each booking consumer's effect happens once, however often its event is handled.

The consumer records an event as processed after its effect: a worker killed in
between gets the event again and runs the handler again.  Here every handler
runs twice on the same event against the real database: the second run changes
nothing and announces nothing.  And from the same starting point a handler
announces events with the same ids (derived from the incoming event's id), so
should one ever be announced twice, consumers drop the copy by its id.
"""

from __future__ import annotations

import threading
from datetime import date, time, timedelta

import pytest

from contracts.catalog import catalog
from contracts.envelope import build, parse
from services.booking.documents import Appointment, WaitlistEntry
from services.booking.handlers import weeks
from tests.support.booking import confirmed, next_week, patient, released, snapshot

SHORT_DAY = ((time(8, 30), time(9, 30)),)  # three 20-minute slots


def _week(**changes):
    return confirmed(next_week(2), days=1, hours=SHORT_DAY, **changes)


def _book(client, agent, slot_id: str, n: int) -> dict:
    body = {"slot_id": slot_id, "motif": "consultation", "patient": patient(n), "channel": "phone"}
    response = client.post("/appointments", json=body, headers=agent)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _join(client, n: int) -> None:
    body = {
        "site_id": "site-ajain",
        "motif": "consultation",
        "latest_date": (date.today() + timedelta(weeks=8)).isoformat(),
        "patient": patient(n),
    }
    assert client.post("/waitlist", json=body).status_code == 201


@pytest.fixture
def released_week(client, agent):
    """Two appointments in a week whose doctor withdrew; six patients wait."""
    weeks.apply_week(_week())
    slots = client.get("/slots", query_string={"site_id": "site-ajain"}, headers=agent).json
    booked = [_book(client, agent, slot["id"], n) for n, slot in enumerate(slots[:2], start=1)]
    weeks.release_week(released(next_week(2)))
    for n in range(10, 16):
        _join(client, n)
    assert WaitlistEntry.objects(status="waiting").count() == 6
    return booked


def consultation_closed(appointment_id: str):
    data = {
        "consultation_id": "cons-1",
        "patient_id": "pat-1",
        "site_id": "site-ajain",
        "doctor_id": "doc-1",
        "appointment_id": appointment_id,
        "closed_at": "2026-11-30T08:25:00+00:00",
    }
    return parse(build(catalog(), "records.consultation.closed.v1", data), catalog())


def outbox_ids() -> list[str]:
    found = []
    for model in (Appointment, WaitlistEntry):
        for doc in model._get_collection().find({}, {"outbox.id": 1}):
            found += [e["id"] for e in doc.get("outbox", [])]
    return sorted(found)


def restore(state: dict) -> None:
    database = Appointment._get_collection().database
    for name in database.list_collection_names():
        database[name].delete_many({})
        if state.get(name):
            database[name].insert_many(state[name])


def case(name: str, booked: list[dict]):
    """(handler, event) for each booking subscription, after the state it needs."""
    reassigned = _week(doctor_id="doc-2", assignment_id="asg-2")
    if name == "week reassigned":
        return weeks.apply_week, reassigned
    if name == "week released":
        weeks.apply_week(reassigned)
        return weeks.release_week, released(next_week(2), doctor_id="doc-2", assignment_id="asg-2")
    return weeks.consultation_closed, consultation_closed(booked[0]["id"])


CASES = ["week reassigned", "week released", "consultation closed"]


@pytest.mark.parametrize("name", CASES)
def test_a_handler_run_twice_on_one_event_has_one_effect(client, released_week, name):
    handler, event = case(name, released_week)
    before = outbox_ids()
    handler(event)
    once = snapshot()
    announced = outbox_ids()
    assert len(announced) > len(before)  # the case does announce something
    handler(event)  # as after a crash before the event was recorded as processed
    assert outbox_ids() == announced
    assert snapshot() == once


@pytest.mark.parametrize("name", CASES)
def test_from_the_same_state_a_handler_announces_the_same_event_ids(client, released_week, name):
    handler, event = case(name, released_week)
    start = snapshot()
    known = set(outbox_ids())
    handler(event)
    first = set(outbox_ids()) - known
    restore(start)  # as if the first run's effects were lost, and its events were out
    handler(event)
    second = set(outbox_ids()) - known
    assert first and first == second


def test_two_workers_handling_one_event_at_once_announce_each_fact_once(client, released_week):
    event = _week(doctor_id="doc-2", assignment_id="asg-2")
    start = threading.Barrier(2)

    def run():
        start.wait()
        weeks.apply_week(event)

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for appointment in Appointment.objects:
        types = [e["type"] for e in appointment.outbox]
        assert types.count("booking.appointment.affected.v1") == 2  # released, reassigned
    offered = [e for entry in WaitlistEntry.objects for e in entry.outbox]
    assert len(offered) == WaitlistEntry.objects(status="offered").count() == 3  # one slot free
