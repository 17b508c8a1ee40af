"""Identity vigilance at the desk, on the booking API: who may validate, merge and unmerge,
what each needs, and that a refusal changes nothing."""

from datetime import date, timedelta

import pytest

from services.booking.documents import Appointment, Patient
from services.booking.domain import now_utc
from tests.support.booking import book, book_for, first_slots, patient, snapshot

INS = {"matricule": "279035121518989", "oid": "1.2.250.1.213.1.4.10"}


@pytest.fixture
def two(client, agent, week):
    """Two provisional identities of the same person (booked online twice), who has come
    to the desk (both arrivals noted)."""
    first, second = first_slots(client, 2)
    booked = book(client, first["id"]).get_json(), book(client, second["id"]).get_json()
    for one in booked:
        arrived = client.post(f"/appointments/{one['reference']}/check-in", headers=agent)
        assert arrived.status_code == 200
    return booked


def post(client, path, body, headers):
    return client.post(path, json=body, headers=headers)


def test_staff_validate_an_identity_against_a_document_correcting_its_traits(client, agent, two):
    known, _ = two
    path = f"/patients/{known['patient_id']}/validate"
    done = post(
        client,
        path,
        {
            "document": "passeport",
            "corrections": {"birth_name": "Dupont-Laval", "given_names": ["Jeanne", "Marie"]},
            "sign_in": {"email": "Jeanne.Dupont@Example.org", "phone": "06 71 20 30 40"},
            "ins": INS,
        },
        agent,
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["identity_status"] == "validated"
    assert body["birth_name"] == "Dupont-Laval" and body["given_names"] == ["Jeanne", "Marie"]
    assert body["validation"]["document"] == "passeport" and body["validation"]["by"] == "agent-1"
    assert body["sign_in"] == {"email": "jeanne.dupont@example.org", "phone": "+33671203040"}
    assert body["ins"] == INS
    stored = Patient.objects.get(id=known["patient_id"])
    assert stored.birth_key == "dupont laval"
    assert [h["action"] for h in stored.history] == ["validated"]
    assert [e["type"] for e in stored.outbox][-1] == "booking.patient.validated.v1"
    validated = stored.outbox[-1]["envelope"]["data"]
    assert "sign_in" not in validated and "ins" not in validated  # identity, not contact


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "document"),
        ({"document": "permis_de_conduire"}, "document"),  # not a high-trust document
        ({"document": "cni", "ins": {**INS, "matricule": "279035121518988"}}, "ins"),
        ({"document": "cni", "ins": {**INS, "oid": "1.2.3"}}, "ins"),
        ({"document": "cni", "corrections": {"birth_place": "23999"}}, "corrections"),
        ({"document": "cni", "corrections": {"birth_name": "  "}}, "corrections"),
        ({"document": "cni", "sign_in": {"phone": "12"}}, "sign_in"),
        ({"document": "cni", "scan": "data:image/png;base64,AAAA"}, "scan"),  # never a scan
        ({"document": "cni", "document_number": "X12345"}, "document_number"),
    ],
)
def test_a_bad_validation_is_a_field_error_and_changes_nothing(client, agent, two, body, field):
    before = snapshot()
    refused = post(client, f"/patients/{two[0]['patient_id']}/validate", body, agent)
    assert refused.status_code == 422
    assert field in refused.get_json()["errors"]["json"]
    assert snapshot() == before


def test_an_exact_twin_on_file_must_be_merged_or_said_to_be_somebody_else(client, agent, two):
    known, again = two
    post(client, f"/patients/{known['patient_id']}/validate", {"document": "cni"}, agent)
    refused = post(client, f"/patients/{again['patient_id']}/validate", {"document": "cni"}, agent)
    assert refused.status_code == 409 and refused.get_json()["candidates"] == [known["patient_id"]]
    assert Patient.objects.get(id=again["patient_id"]).identity_status == "provisional"
    body = {"document": "cni", "confirm_new": True}
    confirmed = post(client, f"/patients/{again['patient_id']}/validate", body, agent)
    assert confirmed.status_code == 200


def test_merge_needs_a_provisional_source_and_a_validated_target(client, agent, two):
    known, again = two
    merge = {"into": known["patient_id"], "reason": "same_person_document"}
    path = f"/patients/{again['patient_id']}/merge"
    not_yet = post(client, path, merge, agent)
    assert not_yet.status_code == 409 and not_yet.get_json()["code"] == "target_not_validated"
    post(client, f"/patients/{known['patient_id']}/validate", {"document": "cni"}, agent)
    itself = post(client, f"/patients/{known['patient_id']}/merge", merge, agent)
    assert itself.status_code == 409 and itself.get_json()["code"] == "same_identity"
    backwards = {"into": again["patient_id"], "reason": "same_person_document"}
    validated_source = post(client, f"/patients/{known['patient_id']}/merge", backwards, agent)
    assert validated_source.status_code == 409
    bad_reason = post(client, path, {**merge, "reason": "elle me l'a dit"}, agent)
    assert bad_reason.status_code == 422 and "reason" in bad_reason.get_json()["errors"]["json"]

    assert post(client, path, merge, agent).status_code == 200
    again_merged = post(client, path, merge, agent)
    assert again_merged.status_code == 409 and again_merged.get_json()["code"] == "identity_merged"
    validate = post(client, f"/patients/{again['patient_id']}/validate", {"document": "cni"}, agent)
    assert validate.status_code == 409 and validate.get_json()["merged_into"] == known["patient_id"]
    # staff booking for the merged identity book for the person it joined
    slot = first_slots(client, 1)[0]
    booked = book_for(client, slot["id"], again["patient_id"], agent)
    assert booked.status_code == 201 and booked.get_json()["patient_id"] == known["patient_id"]


def test_unmerge_needs_a_merge_and_a_reason(client, agent, two):
    _, again = two
    path = f"/patients/{again['patient_id']}/unmerge"
    nothing = post(client, path, {"reason": "different_people"}, agent)
    assert nothing.status_code == 409 and nothing.get_json()["code"] == "not_merged"
    assert post(client, path, {}, agent).status_code == 422


def test_staff_act_only_on_patients_of_their_sites(client, bearer, two):
    known, _ = two
    path = f"/patients/{known['patient_id']}"
    elsewhere = bearer("coordinator", sites=["site-gueret"])
    here = bearer("coordinator", sites=["site-ajain"])
    off_duty = bearer("doctor", sub="doc-9")
    before = snapshot()
    for headers in (elsewhere, off_duty):
        assert client.get(path, headers=headers).status_code == 403
        assert client.get(f"{path}/candidates", headers=headers).status_code == 403
        refused = post(client, f"{path}/validate", {"document": "cni"}, headers)
        assert refused.status_code == 403 and refused.get_json()["code"] == "not_your_patient"
    assert snapshot() == before
    assert client.get(path, headers=here).status_code == 200
    assert client.get(path, headers=bearer("doctor", sub="doc-1")).status_code == 200  # its week
    assert client.get(path).status_code == 401
    # an unknown patient: 404 for staff of every site, the same 403 for the others
    assert client.get("/patients/pat-0123456789abcdef", headers=bearer("agent")).status_code == 404
    assert client.get("/patients/pat-0123456789abcdef", headers=here).status_code == 403


def test_a_birth_place_is_found_by_name_and_checked(client):
    found = client.get("/birth-places", query_string={"q": "gueret"}).get_json()
    assert found[0] == {"code": "23096", "name": "Guéret", "departement": "23", "kind": "commune"}
    assert client.get("/birth-places", query_string={"q": "g"}).status_code == 422
    slot_free = {"slot_id": "site-ajain|site|20300101T0800Z", "motif": "consultation"}
    refused = client.post(
        "/appointments", json={**slot_free, "patient": patient(1, birth_place="2")}
    )
    assert refused.status_code == 422
    assert "birth_place" in refused.get_json()["errors"]["json"]["patient"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"sex": "unknown"}, "sex"),
        ({"birth_place": None}, "birth_place"),
        ({"birth_name": "\u200b"}, "birth_name"),
        ({"first_given_name": "Jean\u202eLuc"}, "first_given_name"),
        ({"given_names": ["Marie", "Jeanne"]}, "given_names"),  # must begin with the first
        ({"given_names": []}, "given_names"),
    ],
)
def test_a_booking_declares_the_strict_traits(client, week, changes, field):
    slot = first_slots(client, 1)[0]
    body = {"slot_id": slot["id"], "motif": "consultation", "patient": patient(1, **changes)}
    refused = client.post("/appointments", json=body)
    assert refused.status_code == 422
    assert field in refused.get_json()["errors"]["json"]["patient"]
    assert Patient.objects.count() == 0


def test_an_identity_is_validated_only_at_the_desk(client, agent, bearer, week):
    first = first_slots(client, 1)[0]
    booked = book(client, first["id"]).get_json()
    path = f"/patients/{booked['patient_id']}/validate"
    before = snapshot()
    by_phone = post(client, path, {"document": "cni", "sign_in": {"email": "a@b.fr"}}, agent)
    assert by_phone.status_code == 403 and by_phone.get_json()["code"] == "not_at_the_desk"
    assert snapshot() == before
    client.post(f"/appointments/{booked['reference']}/check-in", headers=agent)
    # arrived yesterday morning, say: too long ago to count as at the desk now
    Appointment._get_collection().update_one(
        {"reference": booked["reference"]},
        {"$set": {"history.1.at": now_utc() - timedelta(hours=13)}},
    )
    assert post(client, path, {"document": "cni"}, agent).status_code == 403
    Appointment._get_collection().update_one(
        {"reference": booked["reference"]}, {"$set": {"history.1.at": now_utc()}}
    )
    # at the desk, but of another site than the caller's
    other_site = bearer("coordinator", sites=["site-gueret"])
    assert post(client, path, {"document": "cni"}, other_site).status_code == 403
    done = post(client, path, {"document": "cni", "sign_in": {"email": "a@b.fr"}}, agent)
    assert done.status_code == 200


def test_a_birth_date_corrected_from_the_document_is_kept(client, agent, two):
    body = {"document": "cni", "corrections": {"birth_date": "1951-04-13"}}
    done = post(client, f"/patients/{two[0]['patient_id']}/validate", body, agent)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["birth_date"] == "1951-04-13"


def test_identities_of_other_sites_show_who_they_are_and_nothing_more(client, agent, two):
    known, again = two
    body = {
        "document": "cni",
        "sign_in": {"email": "jeanne@example.org"},
        "ins": INS,
    }
    post(client, f"/patients/{known['patient_id']}/validate", body, agent)
    alike = client.get(f"/patients/{again['patient_id']}/candidates", headers=agent).get_json()
    found = client.get("/patients", query_string={"family_name": "dupont"}, headers=agent)
    for shown in [alike[0]["patient"], *found.get_json()]:
        assert not {"email", "sign_in", "ins", "validation", "has_gp"} & set(shown)
    assert "phone" not in alike[0]["patient"]


def test_staff_put_people_on_the_waiting_lists_of_their_own_sites_only(client, bearer, two):
    body = {
        "site_id": "site-ajain",
        "motif": "consultation",
        "latest_date": (date.today() + timedelta(weeks=4)).isoformat(),
        "patient_id": two[0]["patient_id"],
    }
    elsewhere = bearer("coordinator", sites=["site-gueret"])
    refused = client.post("/waitlist", json=body, headers=elsewhere)
    assert refused.status_code == 403
    assert client.post("/waitlist", json=body, headers=bearer("agent")).status_code == 201


@pytest.mark.parametrize("typed", ["..", ".*", "--", "  ", "é"])
def test_a_search_needs_letters_not_punctuation(client, agent, two, typed):
    refused = client.get("/patients", query_string={"family_name": typed}, headers=agent)
    assert refused.status_code == 422 and "family_name" in refused.get_json()["errors"]["query"]


def test_a_one_letter_name_is_found_with_its_birth_date(client, agent, week):
    slot = first_slots(client, 1)[0]
    book(client, slot["id"], patient=patient(1, birth_name="O", birth_date="1960-01-02"))
    found = client.get(
        "/patients", query_string={"family_name": "o", "birth_date": "1960-01-02"}, headers=agent
    )
    assert [p["birth_name"] for p in found.get_json()] == ["O"]
