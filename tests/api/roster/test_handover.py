"""The handover note: the week's doctor writes it, next week's doctor reads it, nobody else."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from services.roster.documents import Assignment
from services.roster.domain import IsoWeek
from tests.support.roster import BUS, future_week

NOTE = "Mme D. attend ses résultats de TSH ; le cabinet infirmier passe le mardi."


def _confirm(client, coordinator, week, doctor_id, confirm=True):
    body = {"site_id": "site-ajain", "week": week, "doctor_id": doctor_id, "confirm": confirm}
    response = client.post("/assignments", json=body, headers=coordinator)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def weeks(client, coordinator, centre, register):
    """This week's doctor (outgoing) and next week's (incoming) at Ajain."""
    outgoing, incoming = register(1), register(2)
    this_week = future_week(3)
    next_week = str(IsoWeek.parse(this_week).next(1))
    return {
        "this": _confirm(client, coordinator, this_week, outgoing["id"]),
        "next": _confirm(client, coordinator, next_week, incoming["id"]),
        "outgoing": outgoing["id"],
        "incoming": incoming["id"],
    }


def _write(client, bearer, assignment_id, doctor_id, body):
    return client.put(
        f"/assignments/{assignment_id}/handover",
        json=body,
        headers=bearer("doctor", sub=doctor_id),
    )


def _read(client, week, headers):
    return client.get(f"/sites/site-ajain/weeks/{week}/handover", headers=headers)


def test_next_weeks_doctor_reads_the_note_this_weeks_doctor_wrote(client, bearer, weeks):
    before = datetime.now(UTC).replace(microsecond=0)
    written = _write(client, bearer, weeks["this"]["id"], weeks["outgoing"], {"text": NOTE})
    assert written.status_code == 200
    assert written.get_json()["id"] == weeks["this"]["id"]

    response = _read(client, weeks["next"]["week"], bearer("doctor", sub=weeks["incoming"]))

    assert response.status_code == 200
    body = response.get_json()
    note = body["handover"]
    assert body == {
        "site_id": "site-ajain",
        "week": weeks["next"]["week"],
        "handover": {
            "from_week": weeks["this"]["week"],
            "doctor_id": weeks["outgoing"],
            "text": NOTE,
            "author_id": weeks["outgoing"],
            "written_at": note["written_at"],
        },
    }
    # an HTTP date, as this endpoint has always answered it
    assert note["written_at"].endswith(" GMT")
    at = parsedate_to_datetime(note["written_at"])
    assert before <= at <= datetime.now(UTC) + timedelta(seconds=1)


def test_the_site_coordinator_reads_it_too(client, bearer, coordinator, weeks):
    _write(client, bearer, weeks["this"]["id"], weeks["outgoing"], {"text": NOTE})
    response = _read(client, weeks["next"]["week"], coordinator)
    assert response.status_code == 200
    assert response.get_json()["handover"]["text"] == NOTE


def test_without_a_note_the_handover_is_null(client, bearer, weeks):
    response = _read(client, weeks["next"]["week"], bearer("doctor", sub=weeks["incoming"]))
    assert response.status_code == 200
    assert response.get_json() == {
        "site_id": "site-ajain",
        "week": weeks["next"]["week"],
        "handover": None,
    }


def test_other_doctors_cannot_read_it(client, bearer, register, weeks):
    _write(client, bearer, weeks["this"]["id"], weeks["outgoing"], {"text": NOTE})
    stranger = register(3)["id"]
    response = _read(client, weeks["next"]["week"], bearer("doctor", sub=stranger))
    assert response.status_code == 403
    assert response.get_json()["code"] == "not_yours"
    assert response.get_json()["message"] == (
        "only the doctor on duty that week reads its handover note"
    )
    assert NOTE not in response.get_data(as_text=True)


def test_a_doctor_only_proposed_for_next_week_cannot_read_it_yet(
    client, bearer, coordinator, register, weeks
):
    _write(client, bearer, weeks["this"]["id"], weeks["outgoing"], {"text": NOTE})
    later = str(IsoWeek.parse(weeks["next"]["week"]).next(1))
    proposed = register(3)["id"]
    _confirm(client, coordinator, later, proposed, confirm=False)
    client.put(
        f"/assignments/{weeks['next']['id']}/handover",
        json={"text": "suite"},
        headers=bearer("doctor", sub=weeks["incoming"]),
    )
    assert _read(client, later, bearer("doctor", sub=proposed)).status_code == 403


def test_agents_other_coordinators_and_strangers_cannot_read_it(client, bearer, operator, weeks):
    _write(client, bearer, weeks["this"]["id"], weeks["outgoing"], {"text": NOTE})
    week = weeks["next"]["week"]
    assert _read(client, week, bearer("agent")).status_code == 403
    assert client.post("/sites", json=BUS, headers=operator).status_code == 201
    bus_only = bearer("coordinator", sub="coord-bus", sites=["bus-nord-87"])
    other_site = _read(client, week, bus_only)
    assert other_site.status_code == 403
    assert other_site.get_json()["message"] == "you do not coordinate this site"
    anonymous = _read(client, week, {})
    assert anonymous.status_code == 401


def test_only_this_weeks_doctor_writes_the_note(client, bearer, coordinator, register, weeks):
    stranger = register(3)["id"]
    response = _write(client, bearer, weeks["this"]["id"], stranger, {"text": "pirate"})
    assert response.status_code == 403
    assert response.get_json()["message"] == "only this week's doctor writes its handover note"
    incoming = _write(client, bearer, weeks["this"]["id"], weeks["incoming"], {"text": "x"})
    assert incoming.status_code == 403
    by_coordinator = client.put(
        f"/assignments/{weeks['this']['id']}/handover", json={"text": "x"}, headers=coordinator
    )
    assert by_coordinator.status_code == 403
    assert Assignment.objects.get(id=weeks["this"]["id"]).handover_note == {}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 10001}, "text"),
        ({"text": {"$ne": None}}, "text"),
        ({"text": 42}, "text"),
        ({}, "text"),
        ({"text": NOTE, "to": "everyone"}, "to"),
    ],
)
def test_a_bad_note_is_refused_field_by_field(client, bearer, weeks, body, field):
    response = _write(client, bearer, weeks["this"]["id"], weeks["outgoing"], body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert Assignment.objects.get(id=weeks["this"]["id"]).handover_note == {}


def test_a_bad_week_or_site_in_the_path(client, bearer, weeks):
    reader = bearer("doctor", sub=weeks["incoming"])
    assert (
        client.get("/sites/site-ajain/weeks/2026-W54/handover", headers=reader).status_code == 422
    )
    missing = client.get(
        f"/sites/site-nowhere/weeks/{weeks['next']['week']}/handover", headers=reader
    )
    assert missing.status_code == 404
