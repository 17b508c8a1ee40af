"""A service that is down or stuck: a quick JSON 503 or 504, never a hang."""

import socket
import threading
import time

import pytest

from chassis.secantus import free_port
from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from gateway.upstreams import HttpUpstream


@pytest.fixture
def black_hole():
    """Accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    stop.set()
    for conn in held:
        conn.close()
    server.close()


def gateway_to(make_config, issuer, url, timeout=1.0):
    settings = GatewaySettings.from_config(make_config("gateway"))
    upstream = HttpUpstream("booking", url, timeout=timeout)
    return create_gateway({"booking": upstream}, settings, issuer).test_client()


def test_a_stopped_service_is_a_503_in_json_at_once(make_config, issuer):
    client = gateway_to(make_config, issuer, f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    response = client.get("/api/booking/slots?site_id=site-ajain")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == 503 and body["message"] == "booking is unavailable"
    assert body["request_id"] == response.headers["X-Request-Id"]


def test_a_stuck_service_is_a_504_after_the_timeout(make_config, issuer, black_hole):
    client = gateway_to(make_config, issuer, f"http://127.0.0.1:{black_hole}", timeout=1.0)
    started = time.monotonic()
    response = client.get("/api/booking/slots?site_id=site-ajain")
    elapsed = time.monotonic() - started
    assert response.status_code == 504 and 0.9 < elapsed < 5
    assert response.get_json()["message"] == "booking did not answer in time"


def test_an_unknown_service_is_a_404(edge):
    response = edge.get("/api/billing/invoices")
    assert response.status_code == 404 and response.is_json


# -- a service that answers something that is not HTTP, or hangs up ------------
def _garbage(conn):
    conn.sendall(b"this is not HTTP at all\r\n\r\n")


def _hang_up(conn):
    pass  # the request was read; close without a word


def _truncated(conn):
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        b'{"partial": '
    )


@pytest.fixture
def broken_service(request):
    """A socket that reads each request, then misbehaves as ``request.param`` says."""
    misbehave = request.param
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    misbehave(conn)
                except OSError:
                    pass

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1]
    stop.set()
    server.close()


@pytest.mark.parametrize("broken_service", [_garbage, _hang_up, _truncated], indirect=True)
def test_a_broken_answer_is_a_502_in_json(make_config, issuer, broken_service):
    client = gateway_to(make_config, issuer, f"http://127.0.0.1:{broken_service}", timeout=2.0)
    started = time.monotonic()
    response = client.get(
        "/api/booking/slots?site_id=site-ajain", headers={"X-Request-Id": "broken-1"}
    )
    assert time.monotonic() - started < 3
    assert response.status_code == 502 and response.is_json
    body = response.get_json()
    assert body["status"] == 502 and body["error"] == "Bad Gateway"
    assert body["message"] == "booking failed to answer"
    assert body["request_id"] == "broken-1" == response.headers["X-Request-Id"]
