"""Who may do what on the roster."""

from tests.support.roster import BUS, doctor, future_week


def test_writes_need_a_token(client, centre):
    response = client.post("/doctors", json=doctor(1))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_bad_token_is_a_401_even_on_public_reads(client):
    response = client.get("/sites", headers={"Authorization": "Bearer not.a.token"})
    assert response.status_code == 401


def test_sites_and_calendars_are_public(client, centre):
    assert client.get("/sites").status_code == 200
    assert client.get(f"/sites/site-ajain/weeks/{future_week()}/calendar").status_code == 200


def test_a_call_centre_agent_cannot_change_the_rota(client, bearer, centre, register):
    body = {"site_id": "site-ajain", "week": future_week(), "doctor_id": register(1)["id"]}
    response = client.post("/assignments", json=body, headers=bearer("agent"))
    assert response.status_code == 403


def test_a_coordinator_acts_only_on_their_sites(client, bearer, operator, centre, register):
    assert client.post("/sites", json=BUS, headers=operator).status_code == 201
    doctor_id = register(1)["id"]
    bus_only = bearer("coordinator", sub="coord-bus", sites=["bus-nord-87"])
    body = {"site_id": "site-ajain", "week": future_week(), "doctor_id": doctor_id}
    response = client.post("/assignments", json=body, headers=bus_only)
    assert response.status_code == 403
    assert response.get_json()["message"] == "you do not coordinate this site"


def test_a_doctor_sets_the_pace_of_their_own_week_only(
    client, coordinator, bearer, centre, register
):
    mine, theirs = register(1), register(2)
    week = future_week()
    body = {"site_id": "site-ajain", "week": week, "doctor_id": mine["id"], "confirm": True}
    assignment = client.post("/assignments", json=body, headers=coordinator).get_json()
    as_other = bearer("doctor", sub=theirs["id"])
    assert (
        client.patch(
            f"/assignments/{assignment['id']}/settings", json={"pace": 4}, headers=as_other
        ).status_code
        == 403
    )
    as_me = bearer("doctor", sub=mine["id"])
    response = client.patch(
        f"/assignments/{assignment['id']}/settings", json={"pace": 4}, headers=as_me
    )
    assert response.status_code == 200 and response.get_json()["pace"] == 4
