"""Steps of the identity tests, through the gateway as the pages take them."""

from __future__ import annotations

from chassis.testing.waiting import wait_until
from services.records.documents import PatientRecord, Visit


def slots(edge, site_id="site-ajain", n=50) -> list[dict]:
    response = edge.get("/api/booking/slots", query_string={"site_id": site_id, "per_page": n})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def book_online(edge, slot: dict, person: dict) -> dict:
    """An anonymous visitor books online: the answer, with its manage token."""
    body = {"slot_id": slot["id"], "motif": "consultation", "patient": person}
    response = edge.post("/api/booking/appointments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def book_by_phone(edge, agent: dict, slot: dict, person: dict | None = None, patient_id=None):
    body = {"slot_id": slot["id"], "motif": "consultation", "channel": "phone"}
    body.update({"patient_id": patient_id} if patient_id else {"patient": person})
    response = edge.post("/api/booking/appointments", json=body, headers=agent)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def recorded(booked: dict) -> None:
    """Records has heard of the booking's patient and visit (events on the broker)."""
    assert wait_until(lambda: PatientRecord.objects(id=booked["patient_id"]).count() == 1)
    assert wait_until(lambda: Visit.objects(id=booked["id"]).count() == 1)


def arrive(edge, staff: dict, booked: dict) -> None:
    """The patient is at the desk: their arrival is noted."""
    response = edge.post(f"/api/booking/appointments/{booked['reference']}/check-in", headers=staff)
    assert response.status_code == 200, response.get_json()


def validate(edge, staff: dict, booked: dict, email: str | None = None, **extra) -> dict:
    """At the desk: the patient of ``booked`` arrives, staff check their identity document."""
    arrive(edge, staff, booked)
    body = {"document": "cni", "sign_in": {"email": email} if email else {}, **extra}
    path = f"/api/booking/patients/{booked['patient_id']}/validate"
    response = edge.post(path, json=body, headers=staff)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def sign_in(edge, mailbox, email: str) -> dict:
    """A patient signs in with the code sent to ``email``: their account's headers."""
    asked = edge.post("/auth/patient/code", json={"contact": email})
    assert asked.status_code == 202, asked.get_json()
    code = mailbox.code_for(email)
    verified = edge.post("/auth/patient/verify", json={"contact": email, "code": code})
    assert verified.status_code == 200, verified.get_json()
    return {"Authorization": f"Bearer {verified.get_json()['access_token']}"}


def record_document(patient_id: str) -> dict:
    """The record as stored (to show it unchanged)."""
    return PatientRecord._get_collection().find_one({"_id": patient_id})
