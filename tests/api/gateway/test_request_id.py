"""The request id travels from the caller through the gateway to the service.

The service writes the id it was given into its own error bodies, so a service
answer carrying the gateway's id proves the id crossed the hop.  Both ways the
gateway reaches a service are checked: in-process and over HTTP.
"""

import re

import pytest

from chassis.testing.server import serving
from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from gateway.upstreams import HttpUpstream
from relais import services

# a staff route of the directory: 404 comes from the service, not from the gateway
MISSING = "/api/directory/correspondents/no-such-correspondent"


@pytest.fixture
def over_http(make_config, issuer):
    """The directory service on a real socket, and a gateway reaching it over HTTP."""
    key = issuer.public_key_pem
    directory = services.create_app("directory", make_config("directory", jwt_public_key=key))
    with serving(directory, threads=4) as url:
        settings = GatewaySettings.from_config(make_config("gateway", jwt_public_key=key))
        upstreams = {"directory": HttpUpstream("directory", url, timeout=5)}
        yield create_gateway(upstreams, settings, issuer).test_client()


@pytest.fixture(params=["in-process", "over-http"])
def client(request):
    return request.getfixturevalue("edge" if request.param == "in-process" else "over_http")


def test_the_callers_request_id_reaches_the_service(client, bearer):
    response = client.get(MISSING, headers={**bearer("agent"), "X-Request-Id": "call-2026-abc"})
    assert response.status_code == 404
    body = response.get_json()
    assert body["message"] != "no service 'directory'"  # the service's own 404
    assert body["request_id"] == "call-2026-abc"
    assert response.headers["X-Request-Id"] == "call-2026-abc"


def test_a_request_without_an_id_gets_one_from_the_gateway_and_the_service_keeps_it(client, bearer):
    response = client.get(MISSING, headers=bearer("agent"))
    assert response.status_code == 404
    generated = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[A-Za-z0-9._:-]{8,128}", generated)
    assert response.get_json()["request_id"] == generated


def test_a_malformed_request_id_is_replaced_before_it_is_passed_on(client, bearer):
    response = client.get(MISSING, headers={**bearer("agent"), "X-Request-Id": "bad id <x>"})
    replaced = response.headers["X-Request-Id"]
    assert replaced != "bad id <x>"
    assert response.get_json()["request_id"] == replaced
