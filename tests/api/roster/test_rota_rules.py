"""Each rota refusal: the exact status and error body, and nothing changed."""

from datetime import date, timedelta

from services.roster.documents import Assignment
from services.roster.domain import IsoWeek
from tests.support.roster import BUS, future_week


def assign(client, headers, site, week, doctor, confirm=True, **extra):
    body = {"site_id": site, "week": week, "doctor_id": doctor, "confirm": confirm, **extra}
    return client.post("/assignments", json=body, headers=headers)


def test_a_doctor_is_confirmed_for_a_site_week(client, coordinator, centre, register):
    doctor = register(1)
    response = assign(client, coordinator, "site-ajain", future_week(), doctor["id"])
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "confirmed" and body["pace"] == 3 and body["revision"] == 1


def test_two_doctors_on_one_site_week_is_refused_with_the_conflicting_assignment(
    client, coordinator, centre, register
):
    first, second = register(1), register(2)
    week = future_week()
    taken = assign(client, coordinator, "site-ajain", week, first["id"]).get_json()

    response = assign(client, coordinator, "site-ajain", week, second["id"])

    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "site_week_taken"
    assert body["conflict"] == {
        "id": taken["id"],
        "site_id": "site-ajain",
        "week": week,
        "doctor_id": first["id"],
        "state": "confirmed",
    }
    assert Assignment.objects(week=week).count() == 1


def test_a_doctor_at_two_sites_in_one_week_is_refused(
    client, coordinator, operator, centre, register
):
    assert client.post("/sites", json=BUS, headers=operator).status_code == 201
    doctor = register(1)
    week = future_week()
    first = assign(client, coordinator, "site-ajain", week, doctor["id"]).get_json()

    response = assign(client, coordinator, "bus-nord-87", week, doctor["id"])

    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "doctor_busy"
    assert body["conflict"]["id"] == first["id"]
    assert body["conflict"]["site_id"] == "site-ajain"
    assert Assignment.objects(doctor_id=doctor["id"]).count() == 1


def test_confirming_a_week_in_the_past_is_refused(client, coordinator, centre, register):
    doctor = register(1)
    last_month = str(IsoWeek.of(date.today() - timedelta(weeks=5)))
    response = assign(client, coordinator, "site-ajain", last_month, doctor["id"])
    assert response.status_code == 409
    assert response.get_json()["code"] == "week_in_past"
    assert response.get_json()["message"] == f"week {last_month} is over: it cannot be confirmed"
    assert Assignment.objects.count() == 0


def test_confirming_a_proposal_for_a_past_week_is_refused_too(
    client, coordinator, centre, register
):
    doctor = register(1)
    this_week = str(IsoWeek.of(date.today()))
    proposal = assign(client, coordinator, "site-ajain", this_week, doctor["id"], confirm=False)
    assert proposal.status_code == 201  # the current week is not over
    # a week that is over cannot even be proposed
    old = str(IsoWeek.of(date.today() - timedelta(weeks=2)))
    assert (
        assign(client, coordinator, "site-ajain", old, doctor["id"], confirm=False).status_code
        == 409
    )


def test_an_rpps_unknown_to_the_directory_needs_a_recorded_override(
    client, coordinator, centre, register
):
    doctor = register(1, known=False)
    week = future_week()

    refused = assign(client, coordinator, "site-ajain", week, doctor["id"])
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "rpps_unknown"
    assert refused.get_json()["rpps"] == doctor["rpps"]

    accepted = assign(
        client,
        coordinator,
        "site-ajain",
        week,
        doctor["id"],
        override_rpps_reason="RPPS attestation seen on paper, directory not yet updated",
    )
    assert accepted.status_code == 201
    override = Assignment.objects.get(id=accepted.get_json()["id"]).rpps_override
    assert override["by"] == "coord-1"
    assert override["reason"].startswith("RPPS attestation")


def test_a_midwife_cannot_staff_a_centre_that_takes_gps_only(client, coordinator, centre, register):
    midwife = register(1, profession="midwife")
    response = assign(client, coordinator, "site-ajain", future_week(), midwife["id"])
    assert response.status_code == 409
    assert response.get_json()["code"] == "profession_not_accepted"


def test_a_proposal_is_confirmed_once_then_released_with_a_reason(
    client, coordinator, centre, register
):
    doctor = register(1)
    proposal = assign(client, coordinator, "site-ajain", future_week(), doctor["id"], confirm=False)
    assignment_id = proposal.get_json()["id"]
    assert proposal.get_json()["state"] == "proposed"

    confirmed = client.post(f"/assignments/{assignment_id}/confirm", json={}, headers=coordinator)
    assert confirmed.status_code == 200 and confirmed.get_json()["state"] == "confirmed"
    again = client.post(f"/assignments/{assignment_id}/confirm", json={}, headers=coordinator)
    assert again.status_code == 409
    assert again.get_json()["code"] == "invalid_transition"

    no_reason = client.post(f"/assignments/{assignment_id}/release", json={}, headers=coordinator)
    assert no_reason.status_code == 422
    released = client.post(
        f"/assignments/{assignment_id}/release",
        json={"reason": "family emergency"},
        headers=coordinator,
    )
    assert released.get_json()["state"] == "released"
    assert released.get_json()["released_reason"] == "family emergency"


def test_a_released_site_week_can_be_staffed_again(client, coordinator, centre, register):
    first, second = register(1), register(2)
    week = future_week()
    taken = assign(client, coordinator, "site-ajain", week, first["id"]).get_json()
    client.post(f"/assignments/{taken['id']}/release", json={"reason": "ill"}, headers=coordinator)
    assert assign(client, coordinator, "site-ajain", week, second["id"]).status_code == 201


def test_settings_pace_and_held_back_capacity_are_kept(client, coordinator, centre, register):
    doctor = register(1)
    assignment = assign(client, coordinator, "site-ajain", future_week(), doctor["id"]).get_json()
    response = client.patch(
        f"/assignments/{assignment['id']}/settings",
        json={
            "pace": 4,
            "held_back": [{"weekday": 0, "slots": 2, "release_time": "08:00"}],
            "home_visits": [{"weekday": 1, "start": "16:00", "end": "18:00"}],
        },
        headers=coordinator,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["pace"] == 4 and body["revision"] == 2
    assert body["held_back"] == [{"weekday": 0, "slots": 2, "release_time": "08:00"}]


def test_gaps_and_the_matrix_show_who_is_where(client, coordinator, centre, register):
    doctor = register(1)
    covered, open_ = future_week(3), future_week(4)
    assign(client, coordinator, "site-ajain", covered, doctor["id"])
    monday = IsoWeek.parse(covered).monday
    window = {"from": monday.isoformat(), "to": (monday + timedelta(days=13)).isoformat()}

    gaps = client.get("/coverage/gaps", query_string=window, headers=coordinator).get_json()
    assert [(g["site_id"], g["week"]) for g in gaps] == [("site-ajain", open_)]

    matrix = client.get("/coverage/matrix", query_string=window, headers=coordinator).get_json()
    assert matrix["weeks"] == [covered, open_]
    cells = matrix["sites"][0]["cells"]
    assert cells[0]["state"] == "confirmed" and cells[0]["doctor_name"] == "Dr Claire Martinb"
    assert cells[1]["state"] == "gap" and cells[1]["doctor_id"] is None
