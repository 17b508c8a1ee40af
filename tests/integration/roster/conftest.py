"""The roster service with its worker (outbox relay, consumer, planner) on the real broker."""

import json
import urllib.request

import pytest

from tests.support.roster import centre, client, coordinator, operator, register, roster_app
from tests.support.running import service_with_worker

__all__ = ["centre", "client", "coordinator", "operator", "register", "roster_app"]


@pytest.fixture
def roster(make_config, bus_settings, issuer):
    with service_with_worker("roster", make_config, bus_settings, issuer) as app:
        yield app


def post(base, path, body, headers):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
