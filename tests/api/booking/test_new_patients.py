"""A new patient exists only once their booking has won; a stopped process is caught up."""

from datetime import date, timedelta

from services.booking.documents import Appointment, Patient
from services.booking.handlers import patients
from tests.support.booking import book, first_slots, patient


def registered_events(patient_id):
    return [
        e["envelope"]["data"]
        for e in Patient.objects.get(id=patient_id).outbox
        if e["type"] == "booking.patient.registered.v1"
    ]


def test_a_new_patient_is_registered_and_announced_once_with_the_booking(client, week):
    first, second = first_slots(client, 2)
    booked = book(client, first["id"]).get_json()
    assert Patient.objects(id=booked["patient_id"]).count() == 1  # registered with it
    # the worker's sweep drops the appointment's draft of a registered patient
    assert patients.finish_registrations(grace=timedelta(0)) == 1
    assert not Appointment.objects.get(reference=booked["reference"]).pending_patient
    assert patients.finish_registrations(grace=timedelta(0)) == 0
    assert [e["patient_id"] for e in registered_events(booked["patient_id"])] == [
        booked["patient_id"]
    ]
    again = book(client, second["id"], patient=patient(1, phone="06 71 20 30 99")).get_json()
    assert again["patient_id"] == booked["patient_id"]  # same name and birth date
    assert len(registered_events(booked["patient_id"])) == 1
    assert Patient.objects.get(id=booked["patient_id"]).phone == "+33555000001"  # kept


def test_a_refused_new_patient_leaves_nothing_behind(client, agent, week):
    slot = first_slots(client, 1)[0]
    assert book(client, slot["id"], n=1).status_code == 201
    for refused in (
        book(client, slot["id"], n=2),  # taken
        book(client, slot["id"], n=3, motif="soins-non-programmes"),  # staff only
        book(client, "site-ajain|site|20000101T0000Z", n=4),  # no such slot
    ):
        assert refused.status_code in (404, 409)
    assert Patient.objects.count() == 1 and Appointment.objects.count() == 1


def test_patient_ids_come_from_the_identity_under_the_services_own_key(client, week):
    slot = first_slots(client, 1)[0]
    booked = book(client, slot["id"]).get_json()
    data = {**patient(1), "birth_date": date(1951, 3, 14)}
    assert patients.identify(data)[0] == booked["patient_id"]
    other, _ = patients.identify({**data, "given_name": "Jeannette"})
    assert other != booked["patient_id"] and other.startswith("pat-")
    assert "dupont" not in booked["patient_id"]


def test_a_registration_cut_short_is_finished_by_the_worker(client, week):
    slot = first_slots(client, 1)[0]
    booked = book(client, slot["id"]).get_json()
    # as if the process had stopped between the appointment and the patient
    stored = Appointment.objects.get(reference=booked["reference"])
    Patient.objects(id=booked["patient_id"]).delete()
    _, draft = patients.identify({**patient(1), "birth_date": date(1951, 3, 14)})
    Appointment._get_collection().update_one(
        {"_id": stored.id},
        {
            "$set": {
                "pending_patient": draft,
                "created_at": stored.created_at - timedelta(minutes=5),
            }
        },
    )

    assert patients.finish_registrations() == 1
    assert Patient.objects.get(id=booked["patient_id"]).family_name == "Dupont1"
    assert len(registered_events(booked["patient_id"])) == 1
    assert not Appointment.objects.get(id=stored.id).pending_patient
    assert patients.finish_registrations() == 0
