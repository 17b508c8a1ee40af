"""The attack of issue 13, end to end through the gateway: knowing a patient's name and
birth date (even every trait) opens nothing of theirs, whatever token one gets.

An anonymous visitor books online under a real patient's exact identity, receives a
manage token, trades it at /auth/patient, joins a waiting list, asks for sign-in codes,
and tries every door with every credential: the victim's appointments, identity and
contact, record, FHIR bundle, completeness and access log answer 404 or 403, the record
is unchanged, and each attempt that named the victim is in the victim's access log,
which the victim reads after signing in with the code sent to the e-mail staff recorded.
"""

from datetime import date, timedelta

from chassis.testing.waiting import wait_until
from services.booking.documents import SignInAccount
from services.booking.handlers import sign_in as sign_in_codes
from services.records.documents import AuditEntry
from tests.support.booking import patient
from tests.support.identity import (
    book_by_phone,
    book_online,
    record_document,
    recorded,
    sign_in,
    slots,
    validate,
)

VICTIM = patient(
    7,
    birth_name="Lacour",
    first_given_name="Marcelle",
    given_names=["Marcelle", "Louise"],
    birth_date="1938-05-02",
    sex="f",
    birth_place="23096",
)


def victim_paths(victim: dict) -> list[tuple[str, str]]:
    pid = victim["patient_id"]
    return [
        ("GET", f"/api/booking/patients/{pid}/appointments"),
        ("GET", f"/api/booking/patients/{pid}"),
        ("GET", f"/api/booking/appointments/{victim['reference']}"),
        ("GET", f"/api/records/records/{pid}"),
        ("GET", f"/api/records/records/{pid}/fhir"),
        ("GET", f"/api/records/records/{pid}/completeness"),
        ("GET", f"/api/records/records/{pid}/access-log"),
        ("POST", f"/api/records/records/{pid}/allergies"),
    ]


def test_knowing_every_trait_of_a_patient_opens_nothing_of_theirs(live, bearer, mailbox):
    edge = live.edge
    live.confirm_week(doctor_id="doc-a")
    agent, doctor = bearer("agent", sub="agent-1"), bearer("doctor", sub="doc-a")
    free = slots(edge)

    # the victim: booked by phone, seen by the doctor of the week, validated at the desk
    victim = book_by_phone(edge, agent, free[0], VICTIM)
    recorded(victim)
    pid = victim["patient_id"]
    written = edge.post(
        f"/api/records/records/{pid}/allergies",
        json={"substance": "Pénicilline", "reaction": "urticaire", "severity": "moderate"},
        headers=doctor,
    )
    assert written.status_code == 201, written.get_json()
    validate(edge, agent, victim, email="marcelle.lacour@example.org")
    assert wait_until(lambda: record_document(pid)["identity_status"] == "validated")
    before = record_document(pid)

    # the attacker: the victim's exact traits, their own phone and e-mail
    attacker = {**VICTIM, "phone": "06 71 20 30 99", "email": "attacker@example.net"}
    mine = book_online(edge, free[1], attacker)
    assert mine["patient_id"] != pid  # a provisional identity of its own
    scoped = edge.post(
        "/auth/patient", json={"reference": mine["reference"], "token": mine["manage_token"]}
    )
    assert scoped.status_code == 200
    assert scoped.get_json()["scope"] == "appointment" and "subject" not in scoped.get_json()
    latest = (date.today() + timedelta(weeks=6)).isoformat()
    waiting = edge.post(
        "/api/booking/waitlist",
        json={
            "site_id": "site-ajain",
            "motif": "consultation",
            "latest_date": latest,
            "patient": attacker,
        },
    ).get_json()
    # sign-in codes: none for the e-mail typed into a booking; the victim's contact's code
    # goes to the victim's mailbox, and guessing it locks the contact
    assert edge.post("/auth/patient/code", json={"contact": attacker["email"]}).status_code == 202
    assert edge.post("/auth/patient/code", json={"contact": "0671203099"}).status_code == 503
    sign_in_codes.settle()
    assert mailbox.to(attacker["email"]) == []
    guesses = [
        edge.post(
            "/auth/patient/verify",
            json={"contact": "marcelle.lacour@example.org", "code": f"{n:06d}"},
        ).status_code
        for n in range(6)
    ]
    assert guesses[:5] == [401] * 5 and guesses[5] == 429

    credentials = {
        "anonymous": {},
        "the attacker's manage token": {"X-Manage-Token": mine["manage_token"]},
        "the token of the attacker's appointment": {
            "Authorization": f"Bearer {scoped.get_json()['access_token']}"
        },
        "the attacker's waiting-list token": {"X-Manage-Token": waiting["token"]},
    }
    allergy = {"substance": "Latex", "reaction": "aucune", "severity": "mild"}
    for name, headers in credentials.items():
        for method, path in victim_paths(victim):
            body = allergy if method == "POST" else None
            response = edge.open(path, method=method, json=body, headers=headers)
            # a bearer token is refused as not this patient's; without one, 401 too
            allowed = (403, 404) if "Authorization" in headers else (401, 403, 404)
            assert response.status_code in allowed, (name, method, path, response.get_json())
            assert "Pénicilline" not in response.get_data(as_text=True), (name, path)
            assert "marcelle.lacour" not in response.get_data(as_text=True), (name, path)

    assert record_document(pid) == before  # nothing written, nothing changed
    refused = AuditEntry.objects(
        patient_id=pid, actor=mine["reference"], outcome__in=["denied", "not_found"]
    )
    assert refused.count() == 5  # the record paths the scoped token named the victim on

    # the victim signs in with the code sent to the contact on file, and sees the attempts
    # 15 minutes later, the lock the guesses caused is over
    SignInAccount._get_collection().update_many({}, {"$set": {"locked_until": None}})
    own = sign_in(edge, mailbox, "marcelle.lacour@example.org")
    log = edge.get(f"/api/records/records/{pid}/access-log", headers=own)
    assert log.status_code == 200
    attempts = [e for e in log.get_json() if e["actor"] == mine["reference"]]
    assert len(attempts) == 5 and {e["outcome"] for e in attempts} <= {"denied", "not_found"}
    mine_listed = edge.get(f"/api/booking/patients/{pid}/appointments", headers=own)
    assert [a["reference"] for a in mine_listed.get_json()] == [victim["reference"]]
    record = edge.get(f"/api/records/records/{pid}", headers=own).get_json()
    assert [a["substance"] for a in record["allergies"]] == ["Pénicilline"]
