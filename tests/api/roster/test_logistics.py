"""The welcome checklist of a doctor-week: the site's coordinators set it, nobody else."""

import pytest

from services.roster.documents import Assignment
from tests.support.roster import BUS, future_week

CHECKLIST = {
    "housing_booked": True,
    "vehicle": "Clio de la mairie",
    "welcome_booklet_sent": True,
    "arrival_time": "dimanche 18:00",
    "notes": "clés chez la secrétaire de mairie",
}
EMPTY = {
    "housing_booked": False,
    "vehicle": "",
    "welcome_booklet_sent": False,
    "arrival_time": "",
    "notes": "",
}


@pytest.fixture
def week(client, coordinator, centre, register):
    doctor = register(1)
    body = {"site_id": "site-ajain", "week": future_week(), "doctor_id": doctor["id"]}
    assignment = client.post(
        "/assignments", json={**body, "confirm": True}, headers=coordinator
    ).get_json()
    return assignment | {"doctor": doctor}


def _stored(assignment_id) -> dict:
    return dict(Assignment.objects.get(id=assignment_id).logistics.to_mongo())


def test_the_coordinator_fills_in_the_checklist(client, coordinator, week):
    response = client.put(
        f"/assignments/{week['id']}/logistics", json=CHECKLIST, headers=coordinator
    )
    assert response.status_code == 200
    assert response.get_json()["logistics"] == CHECKLIST
    assert _stored(week["id"]) == CHECKLIST


def test_a_put_replaces_the_whole_checklist(client, coordinator, week):
    client.put(f"/assignments/{week['id']}/logistics", json=CHECKLIST, headers=coordinator)
    response = client.put(
        f"/assignments/{week['id']}/logistics",
        json={"housing_booked": False, "welcome_booklet_sent": True},
        headers=coordinator,
    )
    assert response.get_json()["logistics"] == EMPTY | {"welcome_booklet_sent": True}


def test_only_the_sites_coordinators_set_the_checklist(client, bearer, operator, week):
    url = f"/assignments/{week['id']}/logistics"
    the_doctor = bearer("doctor", sub=week["doctor"]["id"])
    refused = client.put(url, json=CHECKLIST, headers=the_doctor)
    assert refused.status_code == 403
    assert refused.get_json()["message"] == (
        "this action needs one of the roles: coordinator, operator"
    )
    assert client.put(url, json=CHECKLIST, headers=bearer("agent")).status_code == 403
    assert client.post("/sites", json=BUS, headers=operator).status_code == 201
    bus_only = bearer("coordinator", sub="coord-bus", sites=["bus-nord-87"])
    other_site = client.put(url, json=CHECKLIST, headers=bus_only)
    assert other_site.status_code == 403
    assert other_site.get_json()["message"] == "you do not coordinate this site"
    assert client.put(url, json=CHECKLIST).status_code == 401
    assert _stored(week["id"]) == EMPTY


def test_an_unknown_week_is_a_404(client, coordinator):
    response = client.put("/assignments/asg-nothing/logistics", json=CHECKLIST, headers=coordinator)
    assert response.status_code == 404
    assert response.get_json()["message"] == "no assignment asg-nothing"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"housing_booked": None}, "housing_booked"),
        ({"housing_booked": "maybe"}, "housing_booked"),
        ({"welcome_booklet_sent": {"$ne": None}}, "welcome_booklet_sent"),
        ({"vehicle": {"$ne": None}}, "vehicle"),
        ({"vehicle": 4}, "vehicle"),
        ({"notes": "x" * 2001}, "notes"),
        ({"wifi": "relais-invite"}, "wifi"),
    ],
)
def test_a_bad_checklist_is_refused_field_by_field(client, coordinator, week, change, field):
    response = client.put(
        f"/assignments/{week['id']}/logistics", json={**CHECKLIST, **change}, headers=coordinator
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert _stored(week["id"]) == EMPTY


def test_a_checklist_without_its_required_answers_is_refused(client, coordinator, week):
    response = client.put(
        f"/assignments/{week['id']}/logistics", json={"vehicle": "vélo"}, headers=coordinator
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {
        "housing_booked",
        "welcome_booklet_sent",
    }
    assert _stored(week["id"]) == EMPTY
