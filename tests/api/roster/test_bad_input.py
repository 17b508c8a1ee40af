"""Bad input on roster endpoints: 422 with field errors, nothing written."""

import pytest

from services.roster.documents import Assignment, Doctor, Offer, Site
from tests.support.roster import CENTRE, doctor, future_week


def counts():
    return (
        Site.objects.count(),
        Doctor.objects.count(),
        Offer.objects.count(),
        Assignment.objects.count(),
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({**doctor(1), "nickname": "Clo"}, "nickname", "Unknown field."),
        ({**doctor(1), "rpps": 10001234567}, "rpps", "Not a valid string."),
        ({**doctor(1), "rpps": {"$ne": None}}, "rpps", "Not a valid string."),
        (
            {**doctor(1), "rpps": "10001234568"},
            "rpps",
            "an RPPS number is 11 digits with a valid check digit",
        ),
        ({**doctor(1), "phone": "12"}, "phone", "not a valid phone number"),
        ({**doctor(1), "profession": "surgeon"}, "profession", "Must be one of: gp, midwife."),
        ({**doctor(1), "email": "nope"}, "email", "Not a valid email address."),
    ],
)
def test_bad_doctors_are_refused_field_by_field(client, coordinator, body, field, message):
    before = counts()
    response = client.post("/doctors", json=body, headers=coordinator)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"][field] == [message]
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"week": "2026-W54"}, "week"),
        ({"week": "2027-W53"}, "week"),  # 2027 has 52 weeks
        ({"week": {"$gt": ""}}, "week"),
        ({"site_id": {"$ne": None}}, "site_id"),
        ({"doctor_id": ["doc-1"]}, "doctor_id"),
        ({"confirm": "maybe"}, "confirm"),
        ({"priority": 1}, "priority"),
    ],
)
def test_bad_assignments_are_refused_field_by_field(
    client, coordinator, centre, register, change, field
):
    body = {
        "site_id": "site-ajain",
        "week": future_week(),
        "doctor_id": register(1)["id"],
        **change,
    }
    before = counts()
    response = client.post("/assignments", json=body, headers=coordinator)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert counts() == before


@pytest.mark.parametrize("pace", [0, 7, "fast", None])
def test_a_pace_outside_1_to_6_is_refused(client, coordinator, centre, register, pace):
    body = {
        "site_id": "site-ajain",
        "week": future_week(),
        "doctor_id": register(1)["id"],
        "confirm": True,
    }
    assignment = client.post("/assignments", json=body, headers=coordinator).get_json()
    response = client.patch(
        f"/assignments/{assignment['id']}/settings", json={"pace": pace}, headers=coordinator
    )
    assert response.status_code == 422
    assert "pace" in response.get_json()["errors"]["json"]
    assert Assignment.objects.get(id=assignment["id"]).pace == 3
    assert Assignment.objects.get(id=assignment["id"]).revision == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "ajn"}, "code"),
        ({"kind": "boat"}, "kind"),
        ({"location": {"lon": 200, "lat": 46}}, "location"),
        ({"hours": [{"weekday": 7, "start": "08:00", "end": "12:00"}]}, "hours"),
        ({"hours": [{"weekday": 1, "start": "12:00", "end": "08:00"}]}, "hours"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_sites_are_refused(client, operator, change, field):
    response = client.post("/sites", json={**CENTRE, **change}, headers=operator)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert Site.objects.count() == 0


def test_a_bad_week_in_the_path_or_query_is_a_422(client, coordinator, centre):
    assert client.get("/sites/site-ajain/weeks/2026-W54/calendar").status_code == 422
    response = client.get(
        "/coverage/gaps", query_string={"from": "2026-13-01", "to": "x"}, headers=coordinator
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["query"]) == {"from", "to"}


def test_malformed_json_writes_nothing(client, coordinator):
    response = client.post(
        "/doctors", data="{", content_type="application/json", headers=coordinator
    )
    assert response.status_code == 400
    assert Doctor.objects.count() == 0


def test_a_duplicate_rpps_is_a_409_not_a_second_doctor(client, coordinator):
    assert client.post("/doctors", json=doctor(1), headers=coordinator).status_code == 201
    again = client.post("/doctors", json=doctor(1), headers=coordinator)
    assert again.status_code == 409 and again.get_json()["code"] == "doctor_exists"
    assert Doctor.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["   ", "\u200b\u200b", "Mar\u202etin", "Martin2", "-Martin"], ids=repr
)
def test_a_doctor_s_name_is_letters_that_can_be_read(client, coordinator, name):
    """Only spaces, only zero-width characters, bidi controls: refused (issue 16: 12)."""
    refused = client.post("/doctors", json={**doctor(7), "family_name": name}, headers=coordinator)
    assert refused.status_code == 422 and "family_name" in refused.get_json()["errors"]["json"]
    assert Doctor.objects.count() == 0


def test_a_centre_needs_its_location(client, operator):
    """A centre without one made its weeks' events fail downstream (issue 16: 15)."""
    body = {k: v for k, v in CENTRE.items() if k != "location"}
    refused = client.post("/sites", json=body, headers=operator)
    assert refused.status_code == 422 and "location" in refused.get_json()["errors"]["json"]
    assert Site.objects.count() == 0
