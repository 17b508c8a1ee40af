"""Follow-ups and pending results belong to the site: whoever is on duty there finds them.

The doctor who left a follow-up has gone; the patient has no appointment this
week; the new doctor on duty still sees the item and closes it, while the
record itself stays closed to them (no care relationship yet).
"""

from __future__ import annotations

import pytest

from services.records.documents import AuditEntry, SiteItem
from tests.support.records import booked, on_duty, register, this_week


@pytest.fixture
def left_last_week(client, bearer, clock):
    """Last week Dr Last, on duty at Ajain, saw P5 and left a follow-up to the site;
    this week Dr New is on duty at Ajain, Dr Bus on the bus; P5 is booked nowhere."""
    register("p5", name="Martin")
    on_duty("doc-last", "site-ajain", this_week(-1))
    booked("apt-5", "p5", "site-ajain", this_week(-1))
    clock.travel(weeks=-1)
    last = bearer("doctor", sub="doc-last")
    opened = client.post(
        "/consultations", json={"appointment_id": "apt-5", "reason": "HTA"}, headers=last
    )
    assert opened.status_code == 201, opened.get_json()
    consultation = opened.get_json()["id"]
    item = client.post(
        f"/consultations/{consultation}/items",
        json={"kind": "follow_up", "text": "Contrôle tensionnel à 3 semaines", "due": "2030-01-02"},
        headers=last,
    )
    assert item.status_code == 201, item.get_json()
    assert client.post(f"/consultations/{consultation}/close", headers=last).status_code == 200
    clock.travel(weeks=1)  # back to this week: Dr Last's week has ended
    on_duty("doc-new", "site-ajain")
    on_duty("doc-bus", "bus-nord-87")
    return item.get_json()["id"]


def test_next_weeks_doctor_sees_and_closes_a_follow_up_for_a_patient_not_booked_this_week(
    client, bearer, left_last_week
):
    new = bearer("doctor", sub="doc-new")

    listed = client.get("/sites/site-ajain/open-items", headers=new)

    assert listed.status_code == 200, listed.get_json()
    (item,) = listed.get_json()
    assert item["id"] == left_last_week
    assert item["text"] == "Contrôle tensionnel à 3 semaines"
    assert item["kind"] == "follow_up" and item["due"] == "2030-01-02"
    assert item["created_by"] == "doc-last"
    who = item["patient"]
    assert (who["id"], who["birth_name"], who["first_given_name"], who["birth_date"]) == (
        "p5",
        "Martin",
        "Jeanne",
        "1960-04-02",
    )
    assert who["identity_status"] == "provisional" and who["sex"] == "f"
    assert "medical_history" not in who  # who the patient is, not their record
    assert "consultation_id" not in item  # the list is not a way into the record
    assert client.get("/records/p5", headers=new).status_code == 403

    done = client.post(f"/site-items/{left_last_week}/done", headers=new)

    assert done.status_code == 200, done.get_json()
    assert (done.get_json()["status"], done.get_json()["done_by"]) == ("done", "doc-new")
    assert client.get("/sites/site-ajain/open-items", headers=new).get_json() == []
    assert SiteItem.objects.get(id=left_last_week).done_by == "doc-new"


def test_reading_the_open_list_is_audited_per_patient_shown_and_per_site(
    client, bearer, left_last_week
):
    new = bearer("doctor", sub="doc-new")
    response = client.get("/sites/site-ajain/open-items", headers={**new, "X-Request-Id": "list-1"})
    assert response.status_code == 200
    entries = {
        (e.patient_id, e.site_id, e.outcome) for e in AuditEntry.objects(request_id="list-1")
    }
    assert entries == {(None, "site-ajain", "allowed"), ("p5", "site-ajain", "allowed")}
    # and the patient sees it in their access log
    log = client.get(
        "/records/p5/access-log", headers=bearer("patient", sub="p5", relais_scope="account")
    ).get_json()
    assert any(e["actor"] == "doc-new" and e["action"] == "list_site_items" for e in log)


@pytest.mark.parametrize("who", ["doc-bus", "doc-last"])
def test_a_doctor_not_on_duty_at_the_site_neither_sees_nor_closes_its_items(
    client, bearer, left_last_week, who
):
    doctor = bearer("doctor", sub=who)
    headers = {**doctor, "X-Request-Id": f"refused-{who}"}

    assert client.get("/sites/site-ajain/open-items", headers=headers).status_code == 403
    assert client.post(f"/site-items/{left_last_week}/done", headers=headers).status_code == 403

    assert SiteItem.objects.get(id=left_last_week).status == "open"
    entries = {
        (e.action, e.patient_id, e.outcome) for e in AuditEntry.objects(request_id=f"refused-{who}")
    }
    assert entries == {("list_site_items", None, "denied"), ("finish_site_item", "p5", "denied")}


def test_marking_an_item_done_twice_keeps_the_first_doctor(client, bearer, left_last_week):
    new = bearer("doctor", sub="doc-new")
    client.post(f"/site-items/{left_last_week}/done", headers=new)
    on_duty("doc-new-2", "site-ajain")  # the week was reassigned
    again = client.post(
        f"/site-items/{left_last_week}/done", headers=bearer("doctor", sub="doc-new-2")
    )
    assert again.status_code == 200
    assert again.get_json()["done_by"] == "doc-new"
