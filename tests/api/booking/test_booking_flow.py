"""A patient books online, views, moves and cancels with reference + token."""

from datetime import timedelta

from services.booking.documents import Appointment, Patient, Slot
from services.booking.domain import now_utc
from services.booking.handlers import weeks
from tests.support.booking import book, book_for, confirmed, first_slots, next_week, patient


def test_a_patient_books_online_and_gets_a_reference_and_a_token_once(client, week):
    slot = first_slots(client, 1)[0]
    response = book(client, slot["id"])
    assert response.status_code == 201
    body = response.get_json()
    assert body["reference"].startswith("AJN-") and len(body["reference"]) == 8
    assert body["manage_token"] and body["channel"] == "online"
    stored = Appointment.objects.get(reference=body["reference"])
    assert stored.token_hash != body["manage_token"]  # kept hashed only
    assert body["manage_token"] not in str(stored.to_mongo())
    # the slot is no longer offered
    assert slot["id"] not in [s["id"] for s in first_slots(client, 200)]


def test_the_patient_manages_with_reference_and_token_and_nobody_else(client, week):
    slot = first_slots(client, 1)[0]
    booked = book(client, slot["id"]).get_json()
    ref, token = booked["reference"], booked["manage_token"]

    assert client.get(f"/appointments/{ref}").status_code == 404
    assert (
        client.get(f"/appointments/{ref}", headers={"X-Manage-Token": "x" * 32}).status_code == 404
    )
    assert (
        client.get("/appointments/AJN-ZZZZ", headers={"X-Manage-Token": token}).status_code == 404
    )
    seen = client.get(f"/appointments/{ref}", headers={"X-Manage-Token": token})
    assert seen.status_code == 200 and seen.get_json()["status"] == "booked"
    assert client.get(f"/appointments/{ref}?token={token}").status_code == 200


def test_moving_keeps_one_slot_and_frees_the_old_one(client, week):
    first, second = first_slots(client, 2)
    booked = book(client, first["id"]).get_json()
    headers = {"X-Manage-Token": booked["manage_token"]}
    moved = client.post(
        f"/appointments/{booked['reference']}/move", json={"slot_id": second["id"]}, headers=headers
    )
    assert moved.status_code == 200
    assert moved.get_json()["start"] == second["start"]
    assert Appointment.objects.get(reference=booked["reference"]).hold == [second["id"]]
    free = [s["id"] for s in first_slots(client, 200)]
    assert first["id"] in free and second["id"] not in free


def test_cancelling_frees_the_slot(client, week):
    slot = first_slots(client, 1)[0]
    booked = book(client, slot["id"]).get_json()
    response = client.post(
        f"/appointments/{booked['reference']}/cancel",
        headers={"X-Manage-Token": booked["manage_token"]},
    )
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert slot["id"] in [s["id"] for s in first_slots(client, 200)]
    again = client.post(
        f"/appointments/{booked['reference']}/cancel",
        headers={"X-Manage-Token": booked["manage_token"]},
    )
    assert again.status_code == 409 and again.get_json()["code"] == "invalid_transition"


def test_online_cancellation_closes_at_the_cutoff_but_staff_may_cancel(client, agent, week):
    slot = first_slots(client, 1)[0]
    booked = book(client, slot["id"]).get_json()
    # the appointment is now within the site's 24-hour cut-off
    Appointment.objects(reference=booked["reference"]).update_one(
        set__start=now_utc() + timedelta(hours=3)
    )
    refused = client.post(
        f"/appointments/{booked['reference']}/cancel",
        headers={"X-Manage-Token": booked["manage_token"]},
    )
    assert refused.status_code == 409 and refused.get_json()["code"] == "cutoff_passed"
    allowed = client.post(f"/appointments/{booked['reference']}/cancel", headers=agent)
    assert allowed.status_code == 200


def test_a_patient_cannot_move_inside_the_cutoff_either(client, agent, week):
    """Moving frees the slot as late as cancelling would (issue 16: 6)."""
    first, other = first_slots(client, 2)
    booked = book(client, first["id"]).get_json()
    Appointment.objects(reference=booked["reference"]).update_one(
        set__start=now_utc() + timedelta(hours=3)
    )
    path = f"/appointments/{booked['reference']}/move"
    refused = client.post(
        path, json={"slot_id": other["id"]}, headers={"X-Manage-Token": booked["manage_token"]}
    )
    assert refused.status_code == 409 and refused.get_json()["code"] == "cutoff_passed"
    assert Appointment.objects.get(reference=booked["reference"]).hold == [first["id"]]
    assert client.post(path, json={"slot_id": other["id"]}, headers=agent).status_code == 200


def test_a_booked_slot_cannot_be_booked_again(client, week):
    slot = first_slots(client, 1)[0]
    assert book(client, slot["id"], n=1).status_code == 201
    second = book(client, slot["id"], n=2)
    assert second.status_code == 409 and second.get_json()["code"] == "slot_taken"
    assert Patient.objects.count() == 1  # the refused caller was not registered


def test_a_patient_cannot_hold_two_appointments_at_the_same_time(client, agent, week):
    from services.booking.handlers import weeks as w
    from tests.support.booking import confirmed as c

    w.apply_week(c(week, site_id="bus-nord-87", assignment_id="asg-bus", doctor_id="doc-2"))
    ajain = first_slots(client, 1)[0]
    bus = client.get("/slots", query_string={"site_id": "bus-nord-87"}).get_json()[0]
    assert ajain["start"] == bus["start"]
    first = book(client, ajain["id"])
    assert first.status_code == 201
    # the call centre books the same patient (found by search) at another site, same time
    clash = book_for(client, bus["id"], first.get_json()["patient_id"], headers=agent)
    assert clash.status_code == 409 and clash.get_json()["code"] == "patient_busy"


def test_a_two_slot_visit_holds_two_consecutive_slots(client, week):
    first, second = first_slots(client, 2)
    response = book(client, first["id"], motif="bilan")
    assert response.status_code == 201
    assert response.get_json()["end"] == second["end"]
    assert book(client, second["id"], n=2).get_json()["code"] == "slot_taken"


def test_held_back_slots_open_online_at_their_release_but_staff_book_them_any_time(
    booking_app, client, agent
):
    name = next_week(3)
    release = now_utc() + timedelta(days=20)
    day = confirmed(name).data["opening"][0]["start"].astimezone().date()
    from zoneinfo import ZoneInfo

    monday = confirmed(name).data["opening"][0]["start"].astimezone(ZoneInfo("Europe/Paris")).date()
    weeks.apply_week(
        confirmed(name, held_back=[{"date": monday, "slots": 2, "release_at": release}])
    )
    held = list(Slot.objects(held_back=True))
    assert len(held) == 2 and day
    online_ids = [s["id"] for s in first_slots(client, 500)]
    assert held[0].id not in online_ids
    refused = book(client, held[0].id)
    assert refused.status_code == 409 and refused.get_json()["code"] == "slot_held_back"
    staff = book(client, held[0].id, headers=agent, channel="phone")
    assert staff.status_code == 201 and staff.get_json()["channel"] == "phone"


def test_staff_only_reasons_are_refused_online(client, agent, week):
    slot = first_slots(client, 1)[0]
    online = book(client, slot["id"], motif="soins-non-programmes")
    assert online.status_code == 409 and online.get_json()["code"] == "motif_staff_only"
    assert book(client, slot["id"], headers=agent, motif="soins-non-programmes").status_code == 201


def test_the_call_centre_finds_a_caller_without_accents_or_capitals(client, agent, week):
    slot = first_slots(client, 1)[0]
    book(
        client,
        slot["id"],
        headers=agent,
        channel="phone",
        patient=patient(
            1, birth_name="Lefèvre-Élie", used_name="Da Costa", first_given_name="Éloïse"
        ),
    )
    found = client.get(
        "/patients",
        query_string={"family_name": "LEFEVRE ELIE", "birth_date": "1951-03-14"},
        headers=agent,
    )
    assert [p["first_given_name"] for p in found.get_json()] == ["Éloïse"]
    by_used_name = client.get("/patients", query_string={"family_name": "da cos"}, headers=agent)
    assert [p["birth_name"] for p in by_used_name.get_json()] == ["Lefèvre-Élie"]
    by_phone = client.get("/patients", query_string={"phone": "0555000001"}, headers=agent)
    assert [p["birth_name"] for p in by_phone.get_json()] == ["Lefèvre-Élie"]
    assert by_phone.get_json()[0]["identity_status"] == "provisional"
    assert client.get("/patients", query_string={"phone": "0555000001"}).status_code == 401
    assert Patient.objects.count() == 1
