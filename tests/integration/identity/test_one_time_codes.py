"""A patient's sign-in: a one-time code sent (by a real SMTP server here) to the contact
staff recorded at validation, never to one typed into a booking; expired, reused, wrong
five times and too often all refused; the code in no log line."""

import logging
from datetime import timedelta

import pytest

from services.booking.documents import SignInAccount, SignInCode
from services.booking.domain import now_utc
from services.booking.handlers import sign_in
from tests.support.booking import patient
from tests.support.identity import book_by_phone, book_online, slots, validate

ON_FILE = "lucas.bonnet@example.org"


@pytest.fixture
def account(live, bearer):
    """A patient who booked online with one e-mail, and whose identity staff validated
    with another recorded for sign-in."""
    live.confirm_week(doctor_id="doc-a")
    agent = bearer("agent", sub="agent-1")
    typed = patient(
        5, birth_name="Bonnet", first_given_name="Lucas", sex="m", email="typed.online@example.org"
    )
    booked = book_online(live.edge, slots(live.edge)[0], typed)
    validate(live.edge, agent, booked, email=ON_FILE)
    return booked


def ask(edge, contact):
    return edge.post("/auth/patient/code", json={"contact": contact})


def verify(edge, contact, code, **extra):
    return edge.post("/auth/patient/verify", json={"contact": contact, "code": code, **extra})


def test_the_code_goes_to_the_contact_recorded_at_validation_only(live, account, mailbox):
    edge = live.edge
    assert ask(edge, "typed.online@example.org").status_code == 202  # the same answer...
    sign_in.settle()
    assert mailbox.to("typed.online@example.org") == []  # ...and nothing sent
    assert ask(edge, ON_FILE.upper()).status_code == 202
    code = mailbox.code_for(ON_FILE)
    message = mailbox.to(ON_FILE)[-1]
    assert message["From"] == "Relais <codes@relais.test>"
    assert "Bonnet" not in message.get_content() and "Lucas" not in message.get_content()

    signed = verify(edge, ON_FILE, code)
    assert signed.status_code == 200
    body = signed.get_json()
    assert body["scope"] == "account" and body["subject"] == account["patient_id"]
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    listed = edge.get(
        f"/api/booking/patients/{account['patient_id']}/appointments", headers=headers
    )
    assert [a["reference"] for a in listed.get_json()] == [account["reference"]]
    # booking's own sign-in paths are the gateway's: not reachable from outside
    outside = edge.post("/api/booking/sign-in/verify", json={"contact": ON_FILE, "code": code})
    assert outside.status_code == 404
    assert edge.post("/api/booking/./sign-in/codes", json={"contact": ON_FILE}).status_code == 404


def test_a_code_used_once_or_expired_opens_nothing(live, account, mailbox):
    edge = live.edge
    ask(edge, ON_FILE)
    code = mailbox.code_for(ON_FILE)
    assert verify(edge, ON_FILE, code).status_code == 200
    reused = verify(edge, ON_FILE, code)
    assert reused.status_code == 401 and reused.get_json()["code"] == "code_invalid"

    ask(edge, ON_FILE)
    sign_in.settle()
    assert len(mailbox.to(ON_FILE)) == 2
    late = mailbox.code_for(ON_FILE)
    # eleven minutes later
    SignInCode._get_collection().update_many(
        {"used": False}, {"$set": {"expires_at": now_utc() - timedelta(minutes=1)}}
    )
    expired = verify(edge, ON_FILE, late)
    assert expired.status_code == 401 and expired.get_json()["code"] == "code_invalid"


def test_a_newer_code_replaces_the_older(live, account, mailbox):
    edge = live.edge
    ask(edge, ON_FILE)
    first = mailbox.code_for(ON_FILE)
    ask(edge, ON_FILE)
    sign_in.settle()
    assert len(mailbox.to(ON_FILE)) == 2
    second = mailbox.code_for(ON_FILE)
    if first != second:
        assert verify(edge, ON_FILE, first).status_code == 401
    assert verify(edge, ON_FILE, second).status_code == 200


def test_five_wrong_codes_lock_the_account_for_fifteen_minutes(live, account, mailbox):
    edge = live.edge
    ask(edge, ON_FILE)
    right = mailbox.code_for(ON_FILE)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    assert [verify(edge, ON_FILE, wrong).status_code for _ in range(5)] == [401] * 5
    locked = verify(edge, ON_FILE, right)  # even the right code, now
    assert locked.status_code == 429 and locked.get_json()["code"] == "sign_in_locked"
    state = SignInAccount._get_collection().find_one({"locked_until": {"$ne": None}})
    left = state["locked_until"].replace(tzinfo=now_utc().tzinfo) - now_utc()
    assert timedelta(minutes=14) < left <= timedelta(minutes=15)
    # fifteen minutes later: a new code works, the old one does not
    SignInAccount._get_collection().update_many({}, {"$set": {"locked_until": now_utc()}})
    assert verify(edge, ON_FILE, right).status_code == 401
    ask(edge, ON_FILE)
    sign_in.settle()
    assert len(mailbox.to(ON_FILE)) == 2
    assert verify(edge, ON_FILE, mailbox.code_for(ON_FILE)).status_code == 200


def test_codes_are_limited_per_contact_whoever_it_is(live, account, mailbox):
    edge = live.edge
    for contact in (ON_FILE, "nobody@example.org"):  # the same limit: it tells nothing
        answers = [ask(edge, contact) for _ in range(3)]
        assert [a.status_code for a in answers] == [202] * 3, [a.get_json() for a in answers]
        refused = ask(edge, contact)
        assert refused.status_code == 429 and refused.get_json()["code"] == "too_many_codes"
    sign_in.settle()
    assert len(mailbox.to(ON_FILE)) == 3 and mailbox.to("nobody@example.org") == []


def test_codes_are_limited_per_address_at_the_edge(make_platform):
    edge = make_platform(GATEWAY_CODE_LIMIT="2 per minute").test_client()
    answers = [
        edge.post("/auth/patient/code", json={"contact": f"p{n}@example.org"}).status_code
        for n in range(3)
    ]
    assert answers[-1] == 429 and 429 not in answers[:2]


def test_a_shared_contact_asks_which_patient_before_the_code_is_used(
    live, account, bearer, mailbox
):
    edge = live.edge
    agent = bearer("agent", sub="agent-1")
    child = patient(6, birth_name="Bonnet", first_given_name="Léa", birth_date="2015-09-01")
    booked = book_by_phone(edge, agent, slots(edge)[1], child)
    validate(edge, agent, booked, email=ON_FILE)  # the parent's e-mail
    ask(edge, ON_FILE)
    code = mailbox.code_for(ON_FILE)
    choose = verify(edge, ON_FILE, code)
    assert choose.status_code == 409 and choose.get_json()["code"] == "choose_patient"
    choices = {c["patient_id"]: c for c in choose.get_json()["patients"]}
    assert set(choices) == {account["patient_id"], booked["patient_id"]}
    assert choices[booked["patient_id"]] == {
        "patient_id": booked["patient_id"],
        "first_given_name": "Léa",
        "birth_year": 2015,
    }
    chosen = verify(edge, ON_FILE, code, patient_id=booked["patient_id"])
    assert chosen.status_code == 200 and chosen.get_json()["subject"] == booked["patient_id"]


def test_the_code_appears_in_no_log_line(live, account, mailbox, caplog):
    edge = live.edge
    with caplog.at_level(logging.DEBUG):
        ask(edge, ON_FILE)
        code = mailbox.code_for(ON_FILE)
        verify(edge, ON_FILE, f"{(int(code) + 7) % 10**6:06d}")
        verify(edge, ON_FILE, code)
        verify(edge, ON_FILE, code)
    lines = [
        f"{r.name} {r.getMessage()} {r.__dict__}"
        for r in caplog.records
        if not r.name.startswith("mail.log")  # the SMTP stand-in's own lines, not Relais's
    ]
    assert lines  # the flow did log (requests, events)
    assert not [line for line in lines if code in line]


def test_a_new_sign_in_contact_tells_the_old_one_and_ends_its_codes(live, account, bearer, mailbox):
    edge = live.edge
    ask(edge, ON_FILE)
    old_code = mailbox.code_for(ON_FILE)
    agent = bearer("agent", sub="agent-2")
    moved = edge.post(
        f"/api/booking/patients/{account['patient_id']}/validate",
        json={"document": "passeport", "sign_in": {"email": "lucas.nouveau@example.org"}},
        headers=agent,
    )
    assert moved.status_code == 200, moved.get_json()
    sign_in.settle()
    notice = mailbox.to(ON_FILE)[-1]
    assert notice["Subject"] == "Votre espace Relais"
    assert "changée" in notice.get_content() and old_code not in notice.get_content()
    assert verify(edge, ON_FILE, old_code).status_code == 401  # the old contact's codes end
    ask(edge, "lucas.nouveau@example.org")
    new_code = mailbox.code_for("lucas.nouveau@example.org")
    assert verify(edge, "lucas.nouveau@example.org", new_code).status_code == 200
    # and the patient's access log says who validated the identity, each time
    from chassis.testing.waiting import wait_until
    from services.records.documents import AuditEntry

    assert wait_until(
        lambda: (
            AuditEntry.objects(patient_id=account["patient_id"], action="validate_identity").count()
            == 2
        )
    )
    actors = {e.actor for e in AuditEntry.objects(action="validate_identity")}
    assert actors == {"agent-1", "agent-2"}
