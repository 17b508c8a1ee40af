"""Schemathesis against the booking OpenAPI: no 500, field errors, nothing written on a 4xx.

Every operation gets generated requests, valid and invalid (bodies, query
strings, path parameters and the declared ``X-Manage-Token`` and
``Idempotency-Key`` headers), sent anonymously and as a coordinator, bounded in
examples, per-example time and a shared ``BUDGET`` (tests/support/fuzz.py);
pytest-timeout ends anything that still hangs.

"Nothing written" compares a hash of every booking collection, document by
document, before and after each refused request: no document added, removed
or changed.  The Idempotency-Key records are left out on purpose: a refused
request sent with a key stores its refusal, so that a retry gets the same
answer (chassis/idempotent_requests.py).
"""

import hashlib

import bson
import pytest

from services.booking.documents import DOCUMENTS
from services.booking.handlers import weeks
from tests.support.booking import confirmed, next_week
from tests.support.fuzz import fuzz_every_operation

BUDGET = 40.0  # seconds for all operations together


def stored() -> dict[str, tuple[int, str]]:
    """Per collection: how many documents, and a hash of all of them in _id order."""
    state = {}
    for document in DOCUMENTS:
        digest, count = hashlib.sha256(), 0
        for doc in document._get_collection().find({}, sort=[("_id", 1)]):
            digest.update(bson.encode(doc))
            count += 1
        state[document.__name__] = (count, digest.hexdigest())
    return state


def check_refusal(response, label: str) -> None:
    assert response.status_code < 500, (label, response.text)
    if response.status_code < 400:
        return
    body = response.json()
    assert body["status"] == response.status_code and body["message"], (label, body)
    if response.status_code in (400, 422):
        errors = body.get("errors")
        assert isinstance(errors, dict) and errors, (label, "no field errors", body)


@pytest.mark.timeout(120)
def test_no_input_makes_a_500_a_shapeless_error_or_a_partial_write(booking_app, bearer):
    weeks.apply_week(confirmed(next_week(2)))
    staff = bearer("coordinator", sites=["*"])
    state = {"now": stored()}

    def check(case):
        for headers in ({}, staff):
            response = case.call(headers={**(case.headers or {}), **headers})
            check_refusal(response, case.operation.label)
            after = stored()
            if response.status_code >= 400:
                assert after == state["now"], (case.operation.label, response.status_code)
            state["now"] = after

    sent = fuzz_every_operation(booking_app, check, budget=BUDGET)
    assert {"POST /appointments", "GET /slots/nearest", "POST /waitlist/{entry_id}/accept"} <= set(
        sent
    )
    assert all(count >= 3 for count in sent.values()), sent


def test_the_openapi_declares_the_patient_and_retry_headers(client):
    spec = client.get("/openapi.json").get_json()

    def headers(path, method):
        parameters = spec["paths"][path][method].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "header"}

    assert "Idempotency-Key" in headers("/appointments", "post")
    assert "Idempotency-Key" in headers("/waitlist", "post")
    assert {"Idempotency-Key", "X-Manage-Token"} <= headers("/waitlist/{entry_id}/accept", "post")
    for path in ("/appointments/{reference}/cancel", "/appointments/{reference}/move"):
        assert "X-Manage-Token" in headers(path, "post")
    assert "X-Manage-Token" in headers("/appointments/{reference}", "get")
    assert "X-Manage-Token" in headers("/waitlist/{entry_id}", "get")
