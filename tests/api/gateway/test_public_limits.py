"""The public ``/api/...`` limits: anonymous writes and reads are counted apart per
address, a caller over a limit gets a 429 in the one JSON error shape with
``Retry-After``, and staff tokens are exempt (patients' are not)."""

import pytest

WRITE = ("post", "/api/booking/appointments")
READ = ("get", "/api/booking/slots?site_id=site-ajain")


@pytest.fixture
def limited(make_platform):
    """A gateway allowing each address 2 anonymous writes and 3 anonymous reads an hour."""
    gateway = make_platform(
        GATEWAY_PUBLIC_WRITE_LIMIT="2 per hour", GATEWAY_PUBLIC_READ_LIMIT="3 per hour"
    )
    return gateway.test_client()


def call(client, request, headers=None, address="192.0.2.10"):
    method, path = request
    kwargs = {"json": {}} if method == "post" else {}
    return getattr(client, method)(
        path, headers=headers or {}, environ_base={"REMOTE_ADDR": address}, **kwargs
    )


def assert_refused(response):
    assert response.status_code == 429
    assert response.is_json
    body = response.get_json()
    assert body["status"] == 429 and body["error"] == "Too Many Requests"
    assert body["message"]
    assert body["request_id"] == response.headers["X-Request-Id"]
    assert int(response.headers["Retry-After"]) > 0


def test_anonymous_writes_over_the_limit_get_a_429_with_retry_after(limited):
    answers = [call(limited, WRITE) for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [422, 422]  # the service's own answer
    assert_refused(answers[2])
    # reads are counted apart, and another address has its own count
    assert call(limited, READ).status_code == 200
    assert call(limited, WRITE, address="192.0.2.11").status_code == 422


def test_anonymous_reads_over_the_limit_get_a_429_with_retry_after(limited):
    answers = [call(limited, READ) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert_refused(answers[3])
    assert call(limited, WRITE).status_code == 422


@pytest.mark.parametrize("role", ["agent", "coordinator", "doctor", "operator"])
def test_staff_tokens_are_exempt_from_the_public_limits(limited, bearer, role):
    headers = bearer(role)
    for request in (WRITE, READ):
        statuses = {call(limited, request, headers).status_code for _ in range(6)}
        assert 429 not in statuses, (request, statuses)
    # the anonymous count of the same address was never touched by the staff calls
    assert call(limited, WRITE).status_code == 422


def test_a_patient_token_is_counted_like_an_anonymous_caller(limited, bearer):
    headers = bearer("patient", sub="patient-1")
    statuses = [call(limited, WRITE, headers).status_code for _ in range(3)]
    assert 429 not in statuses[:2] and statuses[2] == 429
