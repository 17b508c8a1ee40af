"""Real races against the booking service over HTTP, with its events on RabbitMQ."""

import json
import threading
import urllib.request
from datetime import datetime
from itertools import pairwise

from services.booking.documents import Appointment, Patient
from services.booking.handlers import weeks
from tests.support.booking import confirmed, next_week, patient


def call(base, method, path, body=None, headers=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body else None,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def race(count, action):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        barrier.wait()
        results[i] = action(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def free_slots(app, n):
    return (
        app.test_client()
        .get("/slots", query_string={"site_id": "site-ajain", "per_page": n})
        .get_json()
    )


def test_fifty_patients_booking_one_slot_make_one_appointment_and_one_event(booking, tap):
    app, base = booking
    events = tap("booking.appointment.booked.v1")
    registered = tap("booking.patient.registered.v2")
    slot = free_slots(app, 1)[0]

    results = race(
        50,
        lambda i: call(
            base,
            "POST",
            "/appointments",
            {"slot_id": slot["id"], "motif": "consultation", "patient": patient(i)},
        ),
    )

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 49
    refusals = [json.loads(body) for status, body in results if status == 409]
    assert {r["code"] for r in refusals} == {"slot_taken"}
    assert Appointment.objects(hold=slot["id"]).count() == 1
    assert Appointment.objects.count() == 1
    received = events.drain(expect=1, settle=1.0)
    assert len(received) == 1 and received[0]["data"]["start"] == slot["start"]
    # the 49 refused callers were new patients: none of them was registered or announced
    winner = json.loads(next(body for status, body in results if status == 201))
    assert [p.id for p in Patient.objects] == [winner["patient_id"]]
    announced = registered.drain(expect=1, settle=1.0)
    assert [e["data"]["patient_id"] for e in announced] == [winner["patient_id"]]


def test_twenty_moves_into_one_free_slot_one_wins_and_the_others_keep_their_slot(booking):
    app, base = booking
    slots = free_slots(app, 21)
    target = slots[0]
    client = app.test_client()
    booked = []
    for i, slot in enumerate(slots[1:]):
        body = client.post(
            "/appointments",
            json={"slot_id": slot["id"], "motif": "consultation", "patient": patient(i)},
        ).get_json()
        booked.append((body, slot))

    results = race(
        20,
        lambda i: call(
            base,
            "POST",
            f"/appointments/{booked[i][0]['reference']}/move",
            {"slot_id": target["id"]},
            {"X-Manage-Token": booked[i][0]["manage_token"]},
        ),
    )

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 19
    winner = next(i for i, (status, _) in enumerate(results) if status == 200)
    for i, (appointment, original) in enumerate(booked):
        stored = Appointment.objects.get(reference=appointment["reference"])
        expected = target["id"] if i == winner else original["id"]
        assert stored.hold == [expected] and stored.slot_ids == [expected]
    assert Appointment.objects(hold=target["id"]).count() == 1


def test_one_idempotency_key_sent_twenty_times_at_once_makes_one_appointment(booking):
    app, base = booking
    slot = free_slots(app, 1)[0]
    body = {"slot_id": slot["id"], "motif": "consultation", "patient": patient(1)}
    key = {"Idempotency-Key": "retry-7f3a9c2e-0001"}

    results = race(20, lambda i: call(base, "POST", "/appointments", body, key))

    assert {status for status, _ in results} == {201}
    assert len({payload for _, payload in results}) == 1  # byte-identical answers
    assert Appointment.objects.count() == 1
    assert Patient.objects.count() == 1

    # the same key with another body is refused; a new key books normally
    other = {**body, "patient": patient(2)}
    status, payload = call(base, "POST", "/appointments", other, key)
    assert status == 422 and json.loads(payload)["code"] == "idempotency_key_reused"
    assert Appointment.objects.count() == 1


def test_twenty_people_with_the_same_traits_booking_at_once_are_twenty_identities(booking, tap):
    """Homonyms (or one person booking twice) declared online never share an identity:
    each booking makes a provisional identity of its own, even all at once."""
    app, base = booking
    registered = tap("booking.patient.registered.v2")
    slots = free_slots(app, 20)
    same = patient(1)
    results = race(
        20,
        lambda i: call(
            base,
            "POST",
            "/appointments",
            {"slot_id": slots[i]["id"], "motif": "consultation", "patient": same},
        ),
    )
    assert [status for status, _ in results] == [201] * 20
    ids = {json.loads(body)["patient_id"] for _, body in results}
    assert len(ids) == 20 and Patient.objects.count() == 20
    assert {p.identity_status for p in Patient.objects} == {"provisional"}
    announced = registered.drain(expect=20, settle=1.0)
    assert {e["data"]["patient_id"] for e in announced} == ids


def test_one_patient_booked_for_interleaved_slots_at_once_never_overlaps_itself(booking, bearer):
    """The call centre books one patient (found by search) into ten slots of two grids at
    once: pace 3 at Ajain and pace 5 at Guéret. The database keeps a set of
    non-overlapping appointments: back-to-back ones are all kept, each refusal is an
    overlap with one that was kept."""
    app, base = booking
    agent = bearer("agent", sub="agent-1")
    weeks.apply_week(
        confirmed(
            next_week(2),
            site_id="site-gueret",
            site_code="GUE",
            assignment_id="asg-gue",
            doctor_id="doc-2",
            pace=5,
        )
    )
    client = app.test_client()
    wanted = [
        s
        for site in ("site-ajain", "site-gueret")
        for s in client.get("/slots", query_string={"site_id": site, "per_page": 6}).get_json()
    ]
    first = client.post(
        "/appointments",
        json={"slot_id": wanted.pop()["id"], "motif": "consultation", "patient": patient(1)},
    ).get_json()
    patient_id = first["patient_id"]
    client.post(f"/appointments/{first['reference']}/cancel", headers=agent)
    wanted = wanted[:5] + wanted[6:]  # five of each grid
    body = {"motif": "consultation", "patient_id": patient_id, "channel": "phone"}
    results = race(
        len(wanted),
        lambda i: call(base, "POST", "/appointments", {**body, "slot_id": wanted[i]["id"]}, agent),
    )

    kept = sorted(Appointment.objects(status="booked"), key=lambda a: a.start)
    assert len(kept) == sum(status == 201 for status, _ in results) >= 2
    assert Patient.objects.count() == 1 and {a.patient_id for a in kept} == {patient_id}
    for earlier, later in pairwise(kept):
        assert earlier.end <= later.start  # none overlaps the next
    for (status, body), slot in zip(results, wanted, strict=True):
        if status == 201:
            continue
        assert status == 409 and json.loads(body)["code"] == "patient_busy"
        start, end = (datetime.fromisoformat(slot[k]) for k in ("start", "end"))
        assert any(a.start < end and start < a.end for a in kept)
