"""A patient's account token (role ``patient``, scope ``account``, subject = the patient's
id, from the gateway's one-time-code sign-in) opens that patient's own appointments and
nobody else's; a token for one appointment (scope ``appointment``, from a manage token)
opens that appointment only; a patient token of neither scope opens nothing."""

import pytest

from services.booking.documents import Appointment
from tests.support.booking import book, first_slots


@pytest.fixture
def two_patients(client, week):
    first, second = first_slots(client, 2)
    mine = book(client, first["id"], n=1).get_json()
    theirs = book(client, second["id"], n=2).get_json()
    assert mine["patient_id"] != theirs["patient_id"]
    return mine, theirs


@pytest.fixture
def my_token(bearer, two_patients):
    mine = two_patients[0]
    return bearer("patient", sub=mine["patient_id"], relais_scope="account")


def test_a_patient_token_opens_the_patients_own_appointment(client, two_patients, my_token):
    mine, _ = two_patients
    seen = client.get(f"/appointments/{mine['reference']}", headers=my_token)
    assert seen.status_code == 200
    assert seen.get_json()["patient_id"] == mine["patient_id"]
    assert "manage_token" not in seen.get_json()


def test_a_patient_token_opens_no_other_patients_appointment(client, two_patients, my_token):
    _, theirs = two_patients
    other = client.get(f"/appointments/{theirs['reference']}", headers=my_token)
    assert other.status_code == 404  # the same answer as an unknown reference
    assert client.get("/appointments/AJN-ZZZZ", headers=my_token).status_code == 404
    cancel = client.post(f"/appointments/{theirs['reference']}/cancel", headers=my_token)
    assert cancel.status_code == 404
    assert Appointment.objects.get(reference=theirs["reference"]).status == "booked"
    # the appointment's own manage token still opens it (someone booking for a parent)
    both = {**my_token, "X-Manage-Token": theirs["manage_token"]}
    assert client.get(f"/appointments/{theirs['reference']}", headers=both).status_code == 200


def test_a_patient_token_lists_only_the_patients_own_appointments(client, two_patients, my_token):
    mine, theirs = two_patients
    own = client.get(f"/patients/{mine['patient_id']}/appointments", headers=my_token)
    assert own.status_code == 200
    assert [a["reference"] for a in own.get_json()] == [mine["reference"]]
    other = client.get(f"/patients/{theirs['patient_id']}/appointments", headers=my_token)
    assert other.status_code == 404


def test_a_patient_token_cancels_its_own_appointment_as_the_patient(client, two_patients, my_token):
    mine, _ = two_patients
    done = client.post(f"/appointments/{mine['reference']}/cancel", headers=my_token)
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    history = Appointment.objects.get(reference=mine["reference"]).history
    assert history[-1]["by"] == "patient"


def test_a_patient_token_is_no_staff_pass(client, bearer, two_patients, my_token):
    mine, _ = two_patients
    assert (
        client.get("/patients", query_string={"phone": "0555000001"}, headers=my_token).status_code
        == 403
    )
    assert (
        client.get(
            "/agenda",
            query_string={"site_id": "site-ajain", "day": mine["start"][:10]},
            headers=my_token,
        ).status_code
        == 403
    )
    # the public parts work with it as without it: slots, online reasons
    slots = client.get("/slots", query_string={"site_id": "site-ajain"}, headers=my_token)
    assert slots.status_code == 200 and slots.get_json()
    motifs = client.get("/sites/site-ajain/motifs", headers=my_token).get_json()
    assert all(m["online"] for m in motifs)


def test_a_patient_token_books_as_an_online_patient(client, two_patients, my_token):
    slot = first_slots(client, 1)[0]
    staff_only = book(client, slot["id"], n=1, headers=my_token, motif="soins-non-programmes")
    assert staff_only.status_code == 409 and staff_only.get_json()["code"] == "motif_staff_only"
    booked = book(client, slot["id"], n=1, headers=my_token, channel="phone")
    assert booked.status_code == 201
    assert booked.get_json()["channel"] == "online" and booked.get_json()["manage_token"]


def test_a_token_for_one_appointment_opens_that_appointment_only(client, bearer, two_patients):
    mine, theirs = two_patients
    scoped = bearer(
        "patient", sub=mine["reference"], relais_scope="appointment", reference=mine["reference"]
    )
    assert client.get(f"/appointments/{mine['reference']}", headers=scoped).status_code == 200
    assert client.get(f"/appointments/{theirs['reference']}", headers=scoped).status_code == 404
    # not the patient's other appointments, not the patient
    listed = client.get(f"/patients/{mine['patient_id']}/appointments", headers=scoped)
    assert listed.status_code == 404
    assert client.get(f"/patients/{mine['patient_id']}", headers=scoped).status_code == 404


def test_a_patient_token_without_a_scope_opens_nothing_of_the_patients(
    client, bearer, two_patients
):
    mine, _ = two_patients
    # what /auth/patient used to hand out: subject = the patient id, no scope
    old = bearer("patient", sub=mine["patient_id"], reference=mine["reference"])
    assert client.get(f"/appointments/{mine['reference']}", headers=old).status_code == 404
    listed = client.get(f"/patients/{mine['patient_id']}/appointments", headers=old)
    assert listed.status_code == 404


def test_a_patient_account_sees_its_identity_and_not_anothers(client, two_patients, my_token):
    mine, theirs = two_patients
    own = client.get(f"/patients/{mine['patient_id']}", headers=my_token)
    assert own.status_code == 200 and own.get_json()["identity_status"] == "provisional"
    assert client.get(f"/patients/{theirs['patient_id']}", headers=my_token).status_code == 404
