"""Offers: a doctor offers ISO weeks (their own), withdraws them; bad input writes nothing."""

import pytest

from services.roster.documents import Offer
from tests.support.roster import future_week


def test_a_doctor_offers_their_own_weeks(client, bearer, centre, register):
    me = register(1)
    weeks = [future_week(5), future_week(3), future_week(5)]
    response = client.post(
        "/offers",
        json={"weeks": weeks, "preferred_sites": ["site-ajain"], "note": "avec ma famille"},
        headers=bearer("doctor", sub=me["id"]),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"].startswith("off-")
    assert body == {
        "id": body["id"],
        "doctor_id": me["id"],
        "weeks": [future_week(3), future_week(5)],  # sorted, once each
        "preferred_sites": ["site-ajain"],
        "note": "avec ma famille",
        "state": "active",
    }
    stored = Offer.objects.get(id=body["id"])
    assert (stored.doctor_id, stored.state) == (me["id"], "active")
    listed = client.get("/offers", headers=bearer("coordinator")).get_json()
    assert [o["id"] for o in listed] == [body["id"]]


def test_a_doctor_cannot_offer_weeks_for_another_doctor(client, bearer, centre, register):
    me, colleague = register(1), register(2)
    response = client.post(
        "/offers",
        json={"doctor_id": colleague["id"], "weeks": [future_week()]},
        headers=bearer("doctor", sub=me["id"]),
    )
    assert response.status_code == 403
    assert response.get_json()["code"] == "not_yours"
    assert response.get_json()["message"] == "a doctor offers their own weeks"
    assert Offer.objects.count() == 0


def test_a_coordinator_enters_an_offer_for_a_named_doctor(client, coordinator, centre, register):
    doctor = register(1)
    response = client.post(
        "/offers", json={"doctor_id": doctor["id"], "weeks": [future_week()]}, headers=coordinator
    )
    assert response.status_code == 201
    assert response.get_json()["doctor_id"] == doctor["id"]


def test_a_coordinator_must_say_for_whom(client, coordinator, centre):
    response = client.post("/offers", json={"weeks": [future_week()]}, headers=coordinator)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {"doctor_id": ["required"]}
    assert Offer.objects.count() == 0


def test_call_centre_agents_and_strangers_cannot_offer(client, bearer, centre, register):
    doctor = register(1)
    body = {"doctor_id": doctor["id"], "weeks": [future_week()]}
    assert client.post("/offers", json=body, headers=bearer("agent")).status_code == 403
    assert client.post("/offers", json=body).status_code == 401
    assert Offer.objects.count() == 0


def _offer(client, bearer, doctor_id):
    response = client.post(
        "/offers", json={"weeks": [future_week()]}, headers=bearer("doctor", sub=doctor_id)
    )
    assert response.status_code == 201
    return response.get_json()


def test_a_doctor_withdraws_their_own_offer(client, bearer, centre, register):
    me = register(1)
    offer = _offer(client, bearer, me["id"])
    response = client.post(
        f"/offers/{offer['id']}/withdraw", headers=bearer("doctor", sub=me["id"])
    )
    assert response.status_code == 200
    assert response.get_json()["state"] == "withdrawn"
    assert Offer.objects.get(id=offer["id"]).state == "withdrawn"
    assert client.get("/offers", headers=bearer("coordinator")).get_json() == []


def test_a_doctor_cannot_withdraw_another_doctors_offer(client, bearer, centre, register):
    mine, theirs = register(1), register(2)
    offer = _offer(client, bearer, theirs["id"])
    response = client.post(
        f"/offers/{offer['id']}/withdraw", headers=bearer("doctor", sub=mine["id"])
    )
    assert response.status_code == 403
    assert response.get_json()["message"] == "a doctor withdraws their own offers"
    assert Offer.objects.get(id=offer["id"]).state == "active"


def test_a_coordinator_withdraws_an_offer_and_an_unknown_one_is_a_404(
    client, bearer, coordinator, centre, register
):
    offer = _offer(client, bearer, register(1)["id"])
    response = client.post(f"/offers/{offer['id']}/withdraw", headers=coordinator)
    assert response.status_code == 200 and response.get_json()["state"] == "withdrawn"
    missing = client.post("/offers/off-nothing/withdraw", headers=coordinator)
    assert missing.status_code == 404
    assert missing.get_json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weeks": []}, "weeks"),
        ({"weeks": ["2026-W54"]}, "weeks"),
        ({"weeks": "2026-W50"}, "weeks"),
        ({"weeks": [{"$gt": ""}]}, "weeks"),
        ({"doctor_id": {"$ne": None}}, "doctor_id"),
        ({"preferred_sites": ["Site Ajain"]}, "preferred_sites"),
        ({"note": "x" * 1001}, "note"),
        ({"priority": 1}, "priority"),
    ],
)
def test_bad_offers_are_refused_field_by_field(client, bearer, centre, register, change, field):
    me = register(1)
    body = {"weeks": [future_week()], **change}
    response = client.post("/offers", json=body, headers=bearer("doctor", sub=me["id"]))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert Offer.objects.count() == 0


def test_an_offer_naming_an_unknown_site_is_a_404_and_writes_nothing(
    client, bearer, centre, register
):
    me = register(1)
    response = client.post(
        "/offers",
        json={"weeks": [future_week()], "preferred_sites": ["site-nowhere"]},
        headers=bearer("doctor", sub=me["id"]),
    )
    assert response.status_code == 404
    assert response.get_json()["message"] == "no site site-nowhere"
    assert Offer.objects.count() == 0
