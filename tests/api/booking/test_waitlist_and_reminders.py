"""The waiting list offers a freed slot to the first waiting patients; reminders go out once."""

from datetime import timedelta

from services.booking.documents import Appointment, WaitlistEntry
from services.booking.domain import now_utc
from services.booking.handlers import reminders
from tests.support.booking import book, first_slots, patient


def join(client, n, latest=None):
    from datetime import date

    latest = latest or (date.today() + timedelta(weeks=8)).isoformat()
    response = client.post(
        "/waitlist",
        json={
            "site_id": "site-ajain",
            "motif": "consultation",
            "latest_date": latest,
            "patient": patient(n),
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def entry_patient(entry) -> str:
    return WaitlistEntry.objects.get(id=entry["id"]).patient_id


def test_a_freed_slot_is_offered_in_order_and_the_first_to_accept_gets_it(client, week):
    # the week is full: every slot is taken
    slots = first_slots(client, 200, per_page=200)
    booked = [book(client, s["id"], n=100 + i).get_json() for i, s in enumerate(slots)]
    assert first_slots(client, 1) == []
    first, second, third, fourth = (join(client, n) for n in (1, 2, 3, 4))
    assert all(e["status"] == "waiting" for e in (first, second, third, fourth))

    freed = booked[5]
    client.post(
        f"/appointments/{freed['reference']}/cancel",
        headers={"X-Manage-Token": freed["manage_token"]},
    )

    offered = {e.id: e for e in WaitlistEntry.objects(status="offered")}
    assert set(offered) == {first["id"], second["id"], third["id"]}  # the first three, in order
    assert WaitlistEntry.objects.get(id=fourth["id"]).status == "waiting"
    events = [e["type"] for e in offered[first["id"]].outbox]
    assert events == ["booking.waitlist.offered.v1"]

    taken = client.post(
        f"/waitlist/{second['id']}/accept",
        json={},
        headers={"X-Manage-Token": second["token"]},
    )
    assert taken.status_code == 201
    assert taken.get_json()["start"] == freed["start"]
    assert taken.get_json()["patient_id"] == entry_patient(second)  # booked for the entry
    late = client.post(
        f"/waitlist/{first['id']}/accept",
        json={},
        headers={"X-Manage-Token": first["token"]},
    )
    assert late.status_code == 409 and late.get_json()["code"] == "slot_taken"
    assert WaitlistEntry.objects.get(id=first["id"]).status == "waiting"  # still on the list
    assert WaitlistEntry.objects.get(id=second["id"]).status == "booked"
    wrong = client.post(
        f"/waitlist/{third['id']}/accept",
        json={},
        headers={"X-Manage-Token": "x" * 32},
    )
    assert wrong.status_code == 404


def test_a_slot_on_offer_is_offered_again_only_once_its_offers_expired(client, week):
    from services.booking.documents import Slot
    from services.booking.handlers import waitlist

    first = join(client, 1)  # slots are free: the first one is offered at once
    second = join(client, 2)  # not the same slot: that one is on offer
    slot_of = {e.id: e.offer["slot_id"] for e in WaitlistEntry.objects(status="offered")}
    assert len({slot_of[first["id"]], slot_of[second["id"]]}) == 2

    past = now_utc() - timedelta(minutes=1)
    WaitlistEntry.objects(id=first["id"]).update_one(set__offer__expires_at=past)
    Slot.objects(id=slot_of[first["id"]]).update_one(set__offered_until=past)
    assert waitlist.expire_offers() == 1
    again = WaitlistEntry.objects.get(id=first["id"])  # still first in line: offered again
    assert again.status == "offered" and again.offer["slot_id"] == slot_of[first["id"]]
    assert [e["type"] for e in again.outbox] == ["booking.waitlist.offered.v1"] * 2


def test_reminders_go_out_48h_and_2h_before_once_each(client, week):
    slot = first_slots(client, 1)[0]
    booked = book(client, slot["id"]).get_json()
    appointment = Appointment.objects.get(reference=booked["reference"])

    Appointment.objects(id=appointment.id).update_one(set__start=now_utc() + timedelta(hours=30))
    assert reminders.send_due_reminders() == 1
    assert reminders.send_due_reminders() == 0  # once
    Appointment.objects(id=appointment.id).update_one(set__start=now_utc() + timedelta(hours=1))
    assert reminders.send_due_reminders() == 1
    sent = [
        e["envelope"]["data"]
        for e in Appointment.objects.get(id=appointment.id).outbox
        if e["type"] == "booking.reminder.due.v1"
    ]
    assert [s["lead"] for s in sent] == ["48h", "2h"]
    assert sent[0]["phone"] == "+33555000001"


def test_accepting_an_offer_honours_the_idempotency_key(client, week):
    entry = join(client, 1)  # slots are free: the first one is offered at once
    token = {"X-Manage-Token": entry["token"]}
    assert client.get(f"/waitlist/{entry['id']}", headers=token).get_json()["status"] == "offered"
    path = f"/waitlist/{entry['id']}/accept"
    keyed = {**token, "Idempotency-Key": "accept-5b1e2c7d-0001"}

    first = client.post(path, json={}, headers=keyed)
    assert first.status_code == 201 and first.get_json()["manage_token"]
    retry = client.post(path, json={}, headers=keyed)
    assert retry.status_code == 201 and retry.get_data() == first.get_data()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert Appointment.objects.count() == 1

    other = client.post(path, json={"note": "another body"}, headers=keyed)
    assert other.status_code == 422
    body = other.get_json()
    assert (
        body["code"] == "idempotency_key_reused" and "Idempotency-Key" in body["errors"]["headers"]
    )
    # the key is no key to the entry: without its token, nothing is replayed
    stranger = client.post(
        path,
        json={},
        headers={"X-Manage-Token": "x" * 32, "Idempotency-Key": "accept-5b1e2c7d-0001"},
    )
    assert stranger.status_code == 404 and "manage_token" not in stranger.get_json()
    assert Appointment.objects.count() == 1


def test_a_malformed_idempotency_key_is_a_field_error(client, week):
    slot = first_slots(client, 1)[0]
    response = book(client, slot["id"], headers={"Idempotency-Key": "short"})
    assert response.status_code == 422
    assert response.get_json()["code"] == "idempotency_key_invalid"
    assert "Idempotency-Key" in response.get_json()["errors"]["headers"]
    assert Appointment.objects.count() == 0
