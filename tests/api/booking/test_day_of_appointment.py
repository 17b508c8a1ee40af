"""The day itself, at the desk: check in, no-show, complete (staff only, by the state rules)."""

import pytest

from services.booking.documents import Appointment
from tests.support.booking import book, first_slots

ALLOWED = [
    ("booked", ["check-in"], "checked_in"),
    ("booked", ["no-show"], "no_show"),
    ("booked", ["complete"], "completed"),
    ("checked_in", ["check-in", "complete"], "completed"),
    ("checked_in", ["check-in", "no-show"], "no_show"),
]
REFUSED = [
    (["check-in"], "check-in"),
    (["no-show"], "check-in"),
    (["no-show"], "complete"),
    (["no-show"], "no-show"),
    (["complete"], "check-in"),
    (["complete"], "no-show"),
    (["complete"], "complete"),
]


@pytest.fixture
def booked(client, week):
    slot = first_slots(client, 1)[0]
    return book(client, slot["id"]).get_json()


def act(client, reference, action, headers):
    return client.post(f"/appointments/{reference}/{action}", headers=headers)


@pytest.mark.parametrize(("start", "steps", "status"), ALLOWED)
def test_staff_move_an_appointment_through_the_day(client, agent, booked, start, steps, status):
    for step in steps:
        response = act(client, booked["reference"], step, agent)
        assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == status
    stored = Appointment.objects.get(reference=booked["reference"])
    assert stored.status == status
    assert [h["status"] for h in stored.history][-len(steps) :] == [
        {"check-in": "checked_in", "no-show": "no_show", "complete": "completed"}[s] for s in steps
    ]
    assert all(h["by"] == "agent-1" for h in stored.history[1:])


@pytest.mark.parametrize(("done", "then"), REFUSED)
def test_an_invalid_transition_is_a_409_and_changes_nothing(client, agent, booked, done, then):
    for step in done:
        assert act(client, booked["reference"], step, agent).status_code == 200
    before = Appointment.objects.get(reference=booked["reference"]).to_mongo().to_dict()
    refused = act(client, booked["reference"], then, agent)
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["code"] == "invalid_transition" and body["current"] == before["status"]
    assert Appointment.objects.get(reference=booked["reference"]).to_mongo().to_dict() == before


def test_a_cancelled_appointment_can_be_neither_checked_in_nor_completed(client, agent, booked):
    client.post(f"/appointments/{booked['reference']}/cancel", headers=agent)
    for action in ("check-in", "no-show", "complete"):
        response = act(client, booked["reference"], action, agent)
        assert response.status_code == 409 and response.get_json()["code"] == "invalid_transition"


@pytest.mark.parametrize("role", ["agent", "coordinator", "doctor", "operator"])
def test_every_staff_role_may_check_in(client, bearer, booked, role):
    # the doctor is the week's own (who may act where: test_site_authorisation.py)
    who = bearer(role, sub="doc-1") if role == "doctor" else bearer(role)
    assert act(client, booked["reference"], "check-in", who).status_code == 200


@pytest.mark.parametrize("action", ["check-in", "no-show", "complete"])
def test_only_staff_act_on_the_day(client, bearer, booked, action):
    reference = booked["reference"]
    manage = {"X-Manage-Token": booked["manage_token"]}
    assert act(client, reference, action, {}).status_code == 401
    assert act(client, reference, action, manage).status_code == 401
    patient = bearer("patient", sub=booked["patient_id"], reference=reference)
    assert act(client, reference, action, patient).status_code == 403
    assert Appointment.objects.get(reference=reference).status == "booked"
    assert act(client, "AJN-ZZZZ", action, bearer("agent")).status_code == 404


def test_no_show_and_completion_are_announced_and_check_in_is_not(client, agent, week):
    first, second = first_slots(client, 2)
    missed = book(client, first["id"], n=1).get_json()
    seen = book(client, second["id"], n=2).get_json()
    act(client, missed["reference"], "no-show", agent)
    act(client, seen["reference"], "check-in", agent)
    act(client, seen["reference"], "complete", agent)

    def announced(reference):
        return [e["type"] for e in Appointment.objects.get(reference=reference).outbox]

    assert announced(missed["reference"]) == [
        "booking.appointment.booked.v1",
        "booking.appointment.no_show.v1",
    ]
    assert announced(seen["reference"]) == [
        "booking.appointment.booked.v1",
        "booking.appointment.completed.v1",
    ]
    outbox = Appointment.objects.get(reference=seen["reference"]).outbox
    assert outbox[-1]["envelope"]["data"]["appointment_id"] == seen["id"]
