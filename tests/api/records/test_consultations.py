"""Consultations, the médecin traitant, completeness (the site's open items, the FHIR
export and the access rules have their own modules)."""

from datetime import date

import pytest

from services.records.documents import Consultation, Counter, PatientRecord
from tests.support.records import booked


@pytest.fixture
def doctor(bearer):
    return bearer("doctor", sub="doc-a")


def open_for(client, doctor, appointment="apt-1"):
    response = client.post(
        "/consultations",
        json={"appointment_id": appointment, "reason": "toux depuis 8 jours"},
        headers=doctor,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_consultation_records_the_exam_with_its_bmi_then_closes_with_an_event(
    client, care, doctor
):
    consultation = open_for(client, doctor)
    exam = {
        "systolic": 132,
        "diastolic": 84,
        "heart_rate": 72,
        "temperature": 37.8,
        "weight_kg": 70,
        "height_cm": 175,
        "spo2": 97,
    }
    response = client.patch(
        f"/consultations/{consultation['id']}",
        json={"exam": exam, "diagnosis": "bronchite", "notes": "…"},
        headers=doctor,
    )
    assert response.status_code == 200
    assert response.get_json()["exam"]["bmi"] == 22.9

    closed = client.post(f"/consultations/{consultation['id']}/close", headers=doctor)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    stored = Consultation.objects.get(id=consultation["id"])
    (event,) = stored.outbox
    assert event["type"] == "records.consultation.closed.v1"
    assert set(event["envelope"]["data"]) == {
        "consultation_id",
        "patient_id",
        "site_id",
        "doctor_id",
        "appointment_id",
        "closed_at",
    }  # ids only: nothing medical leaves the service
    again = client.patch(
        f"/consultations/{consultation['id']}", json={"notes": "x"}, headers=doctor
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    "exam",
    [
        {"systolic": 400},
        {"temperature": 50},
        {"spo2": 101},
        {"weight_kg": -1},
        {"heart_rate": "fast"},
        {"pulse": 80},
        {"height_cm": {"$gt": 0}},
    ],
)
def test_implausible_vitals_are_refused_and_nothing_is_written(client, care, doctor, exam):
    consultation = open_for(client, doctor)
    response = client.patch(
        f"/consultations/{consultation['id']}", json={"exam": exam}, headers=doctor
    )
    assert response.status_code == 422
    assert "exam" in response.get_json()["errors"]["json"]
    assert Consultation.objects.get(id=consultation["id"]).exam == {}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/records/p1/allergies", {"substance": "latex", "severity": "deadly"}, "severity"),
        ("/records/p1/allergies", {"substance": {"$ne": None}, "severity": "mild"}, "substance"),
        ("/records/p1/vaccinations", {"vaccine": "dtp", "date": "2999-01-01"}, "date"),
        ("/records/p1/treatments", {"name": "x", "colour": "blue"}, "colour"),
        ("/consultations", {"appointment_id": {"$where": "1"}}, "appointment_id"),
    ],
)
def test_bad_record_input_is_refused_field_by_field(client, care, doctor, path, body, field):
    before = PatientRecord.objects.get(id="p1").to_mongo().to_dict()
    response = client.post(path, json=body, headers=doctor)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert PatientRecord.objects.get(id="p1").to_mongo().to_dict() == before
    assert Consultation.objects.count() == 0


def test_a_gp_declaration_is_recorded_and_counted_for_the_site(client, care, doctor, bearer):
    response = client.post(
        "/records/p1/gp-declaration",
        json={"declared_on": date.today().isoformat(), "site_id": "site-ajain"},
        headers=doctor,
    )
    assert response.status_code == 200
    assert response.get_json()["gp_declaration"]["doctor_id"] == "doc-a"
    counters = client.get(
        "/sites/site-ajain/counters", headers=bearer("coordinator", sites=["site-ajain"])
    ).get_json()
    assert counters["gp_declarations"] == 1
    assert Counter.objects.get(id="site-ajain|gp_declarations").value == 1
    elsewhere = bearer("coordinator", sites=["bus-nord-87"])
    assert client.get("/sites/site-ajain/counters", headers=elsewhere).status_code == 403


def test_completeness_lists_missing_sections_and_due_prevention(client, care, doctor):
    body = client.get("/records/p1/completeness", headers=doctor).get_json()
    assert "allergies" in body["missing"] and "vaccinations" in body["missing"]
    assert {d["code"] for d in body["due"]} >= {"breast", "colorectal", "dtp"}  # woman, 66
    client.post(
        "/records/p1/screenings",
        json={"kind": "mammography", "date": date.today().isoformat()},
        headers=doctor,
    )
    client.post("/records/p1/no-known-allergies", headers=doctor)
    after = client.get("/records/p1/completeness", headers=doctor).get_json()
    assert "breast" not in {d["code"] for d in after["due"]}
    assert "allergies" not in after["missing"]


def test_a_doctor_not_on_duty_at_the_site_cannot_open_a_consultation(client, care, bearer):
    booked("apt-3", "p3", "site-ajain")
    response = client.post(
        "/consultations", json={"appointment_id": "apt-2"}, headers=bearer("doctor", sub="doc-a")
    )  # apt-2 is on the bus
    assert response.status_code == 403
