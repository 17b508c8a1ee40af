"""One patient, one place at a time: back-to-back appointments are fine, overlapping ones not.

Ajain runs at pace 5 (12-minute slots from 8:30: 8:30, 8:42, 8:54, 9:06, 9:18 ...);
Guéret at pace 3 from 8:54 (8:54, 9:14, ...), so the two grids interleave.
"""

from datetime import time

import pytest

from services.booking.documents import Appointment
from services.booking.handlers import weeks
from tests.support.booking import book, book_for, confirmed, next_week


@pytest.fixture
def grids(booking_app, client):
    name = next_week(2)
    weeks.apply_week(confirmed(name, pace=5, days=1))
    weeks.apply_week(
        confirmed(
            name,
            site_id="site-gueret",
            site_code="GUE",
            assignment_id="asg-gue",
            doctor_id="doc-2",
            days=1,
            hours=((time(8, 54), time(12, 0)),),
        )
    )

    def first(site_id, n):
        query = {"site_id": site_id, "per_page": n}
        return [s["id"] for s in client.get("/slots", query_string=query).get_json()]

    return first("site-ajain", 6), first("site-gueret", 3)


def test_back_to_back_twelve_minute_appointments_of_one_patient_are_allowed(client, agent, grids):
    ajain, gueret = grids
    first = book(client, ajain[0])  # 8:30-8:42
    assert first.status_code == 201
    patient_id = first.get_json()["patient_id"]
    assert book_for(client, ajain[1], patient_id, agent).status_code == 201  # 8:42-8:54
    assert book_for(client, gueret[0], patient_id, agent).status_code == 201  # 8:54-9:14
    assert Appointment.objects(status="booked", patient_id=patient_id).count() == 3


def test_an_overlapping_appointment_of_the_same_patient_is_refused(client, agent, grids):
    ajain, gueret = grids
    first = book(client, gueret[0])  # 8:54-9:14
    assert first.status_code == 201
    clash = book_for(client, ajain[3], first.get_json()["patient_id"], agent)  # 9:06-9:18
    assert clash.status_code == 409 and clash.get_json()["code"] == "patient_busy"
    assert book(client, ajain[3], n=2).status_code == 201  # somebody else may
    assert Appointment.objects.count() == 2


def test_moving_onto_an_overlapping_time_is_refused_and_back_to_back_is_not(client, agent, grids):
    ajain, gueret = grids
    booked = book(client, ajain[0]).get_json()
    assert book_for(client, gueret[0], booked["patient_id"], agent).status_code == 201
    headers = {"X-Manage-Token": booked["manage_token"]}
    path = f"/appointments/{booked['reference']}/move"

    clash = client.post(path, json={"slot_id": ajain[3]}, headers=headers)  # 9:06-9:18
    assert clash.status_code == 409 and clash.get_json()["code"] == "patient_busy"
    assert Appointment.objects.get(reference=booked["reference"]).hold == [ajain[0]]

    before = client.post(path, json={"slot_id": ajain[1]}, headers=headers)  # 8:42-8:54
    assert before.status_code == 200
    after = client.post(path, json={"slot_id": ajain[4]}, headers=headers)  # 9:18-9:30
    assert after.status_code == 200
    assert Appointment.objects.get(reference=booked["reference"]).hold == [ajain[4]]


def test_a_cancelled_appointment_frees_the_patients_time(client, agent, grids):
    ajain, gueret = grids
    held = book(client, gueret[0]).get_json()
    assert book_for(client, ajain[3], held["patient_id"], agent).status_code == 409
    client.post(f"/appointments/{held['reference']}/cancel", headers=agent)
    assert book_for(client, ajain[3], held["patient_id"], agent).status_code == 201
