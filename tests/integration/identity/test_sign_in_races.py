"""Real races against the booking service over HTTP (threads, a real socket): however
many tries arrive at once, a code is compared at most five times and a contact is sent
at most three codes a quarter of an hour; and the edge's block on booking's sign-in
paths holds over HTTP, against encoded paths."""

import json
import time

import pytest

from chassis.testing.server import serving
from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from gateway.upstreams import HttpUpstream
from services.booking.documents import SignInCode
from services.booking.handlers import sign_in
from tests.integration.booking.test_booking_races import call, race
from tests.support.booking import book, first_slots, patient

CONTACT = "race@example.org"


@pytest.fixture
def account(booking, bearer, mailbox):
    """A validated identity whose sign-in e-mail is CONTACT, on the booking service
    served over HTTP, its codes through a real SMTP server."""
    app, base = booking
    from services.booking.code_sender import SmtpCodeSender, SmtpSettings

    app.extensions["relais_code_sender"] = SmtpCodeSender(
        SmtpSettings.from_url(mailbox.url, "Relais <codes@relais.test>")
    )
    client, agent = app.test_client(), bearer("agent", sub="agent-1")
    booked = book(client, first_slots(client, 1)[0]["id"], patient=patient(9)).get_json()
    client.post(f"/appointments/{booked['reference']}/check-in", headers=agent)
    validated = client.post(
        f"/patients/{booked['patient_id']}/validate",
        json={"document": "cni", "sign_in": {"email": CONTACT}},
        headers=agent,
    )
    assert validated.status_code == 200, validated.get_json()
    gateway = bearer("patient", sub="relais-gateway", relais_scope="gateway")
    return base, gateway, booked


def test_forty_tries_at_once_compare_a_code_five_times_at_most(account, mailbox):
    base, gateway, _ = account
    status, _ = call(base, "POST", "/sign-in/codes", {"contact": CONTACT}, gateway)
    assert status == 202
    right = mailbox.code_for(CONTACT)
    wrong = [f"{(int(right) + n) % 10**6:06d}" for n in range(1, 40)]
    tries = [*wrong[:35], right, *wrong[35:]]  # the right one among the last
    results = race(
        len(tries),
        lambda i: call(
            base, "POST", "/sign-in/verify", {"contact": CONTACT, "code": tries[i]}, gateway
        ),
    )
    statuses = [status for status, _ in results]
    assert SignInCode.objects.get().tries == sign_in.MAX_TRIES  # five comparisons, no more
    assert statuses.count(200) <= 1 and set(statuses) <= {200, 401, 429}
    # and the contact is locked now: not even the right code opens it
    status, body = call(
        base, "POST", "/sign-in/verify", {"contact": CONTACT, "code": right}, gateway
    )
    assert status == 429 and json.loads(body)["code"] == "sign_in_locked"


def test_thirty_code_requests_at_once_send_three(account, mailbox):
    base, gateway, _ = account
    quarter = 15 * 60
    if quarter - time.time() % quarter < 3:  # not across the edge of a quarter of an hour
        time.sleep(quarter - time.time() % quarter + 0.1)
    results = race(
        30, lambda i: call(base, "POST", "/sign-in/codes", {"contact": CONTACT}, gateway)
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [202] * 3 + [429] * 27
    sign_in.settle()
    assert len(mailbox.to(CONTACT)) == 3


def test_the_sign_in_paths_answer_the_gateway_only(account):
    base, _, _ = account
    for credentials in ({}, {"Authorization": "Bearer x"}):
        status, _ = call(
            base, "POST", "/sign-in/verify", {"contact": CONTACT, "code": "123456"}, credentials
        )
        assert status in (401, 404)


def test_encoded_paths_do_not_reach_booking_s_sign_in_through_the_edge(
    account, make_config, issuer
):
    base, _, _ = account
    config = make_config("gateway", jwt_public_key=issuer.public_key_pem)
    gateway = create_gateway(
        {"booking": HttpUpstream("booking", base)}, GatewaySettings.from_config(config), issuer
    )
    with serving(gateway, threads=4) as edge:
        body = {"contact": CONTACT, "code": "123456"}
        for path in (
            "/api/booking/sign-in/verify",
            "/api/booking/%2573ign-in/verify",
            "/api/booking/sign-in%252Fverify",
            "/api/booking/sign-in/verify%3F/../../x",
            "/api/booking/sign-in/verify%23/../../x",
            "/api/booking/x/../sign-in/verify",
            "/api/booking/%73ign-in/verify",
        ):
            status, answer = call(edge, "POST", path, body)
            assert status == 404, (path, answer)
