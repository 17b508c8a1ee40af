"""A new identity exists only once its booking has won; a stopped process is caught up;
declared traits never open an identity that exists already."""

from datetime import timedelta

from services.booking.documents import Appointment, Patient
from services.booking.handlers import patients
from tests.support.booking import book, first_slots, patient


def registered_events(patient_id):
    return [
        e["envelope"]["data"]
        for e in Patient.objects.get(id=patient_id).outbox
        if e["type"] == "booking.patient.registered.v2"
    ]


def test_a_new_patient_is_registered_provisional_and_announced_once_with_the_booking(client, week):
    first = first_slots(client, 1)[0]
    booked = book(client, first["id"]).get_json()
    stored = Patient.objects.get(id=booked["patient_id"])  # registered with it
    assert stored.identity_status == "provisional" and stored.created_via == "online"
    assert (stored.birth_name, stored.first_given_name, stored.birth_place) == (
        "Dupontb",
        "Jeanne",
        "23096",
    )
    assert stored.given_names == ["Jeanne"] and stored.sex == "f"
    # the worker's sweep drops the appointment's draft of a registered patient
    assert patients.finish_registrations(grace=timedelta(0)) == 1
    assert not Appointment.objects.get(reference=booked["reference"]).pending_patient
    assert patients.finish_registrations(grace=timedelta(0)) == 0
    announced = registered_events(booked["patient_id"])
    assert [e["patient_id"] for e in announced] == [booked["patient_id"]]
    assert announced[0]["identity_status"] == "provisional"
    assert "phone" not in announced[0] and "email" not in announced[0]  # contact: not identity


def test_the_same_traits_declared_again_make_another_provisional_identity(client, week):
    first, second = first_slots(client, 2)
    booked = book(client, first["id"]).get_json()
    again = book(client, second["id"], patient=patient(1, phone="06 71 20 30 99")).get_json()
    assert again["patient_id"] != booked["patient_id"]  # never attached to the first one
    assert Patient.objects.get(id=booked["patient_id"]).phone == "+33555000001"  # untouched
    assert Patient.objects.get(id=again["patient_id"]).phone == "+33671203099"
    assert Patient.objects.count() == 2
    assert "dupont" not in booked["patient_id"] and booked["patient_id"].startswith("pat-")


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


def test_an_anonymous_caller_cannot_book_for_an_existing_patient(client, week):
    first, second = first_slots(client, 2)
    victim = book(client, first["id"]).get_json()
    body = {"slot_id": second["id"], "motif": "consultation", "patient_id": victim["patient_id"]}
    refused = client.post("/appointments", json=body)
    assert refused.status_code == 403 and refused.get_json()["code"] == "patient_id_for_staff"
    assert Appointment.objects.count() == 1


def test_a_booking_names_a_new_person_or_a_patient_never_both(client, agent, week):
    slot = first_slots(client, 1)[0]
    body = {"slot_id": slot["id"], "motif": "consultation"}
    neither = client.post("/appointments", json=body, headers=agent)
    both = client.post(
        "/appointments",
        json={**body, "patient": patient(1), "patient_id": "pat-0123456789abcdef"},
        headers=agent,
    )
    for response in (neither, both):
        assert response.status_code == 422
        assert "patient" in response.get_json()["errors"]["json"]
    unknown = client.post(
        "/appointments", json={**body, "patient_id": "pat-0123456789abcdef"}, headers=agent
    )
    assert unknown.status_code == 404
    assert Appointment.objects.count() == 0 and Patient.objects.count() == 0


def test_a_registration_cut_short_is_finished_by_the_worker(client, week):
    slot = first_slots(client, 1)[0]
    booked = book(client, slot["id"]).get_json()
    # as if the process had stopped between the appointment and the patient
    stored = Appointment.objects.get(reference=booked["reference"])
    drafted = Patient._get_collection().find_one({"_id": booked["patient_id"]})
    Patient.objects(id=booked["patient_id"]).delete()
    drafted.pop("outbox"), drafted.pop("outbox_due")
    Appointment._get_collection().update_one(
        {"_id": stored.id},
        {
            "$set": {
                "pending_patient": drafted,
                "created_at": stored.created_at - timedelta(minutes=5),
            }
        },
    )

    assert patients.finish_registrations() == 1
    assert Patient.objects.get(id=booked["patient_id"]).birth_name == "Dupontb"
    assert len(registered_events(booked["patient_id"])) == 1
    assert not Appointment.objects.get(id=stored.id).pending_patient
    assert patients.finish_registrations() == 0
