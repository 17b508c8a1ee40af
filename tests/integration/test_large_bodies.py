"""A 200 MB body to a web process as deployed (gunicorn, the project's settings) is refused
at once, before it is read: the answer comes while the body is still being sent, and the
worker's memory does not grow (issue 16: 3).  And what the HTTP servers refuse themselves
(a 256 KiB query string, a bare CR in a header) comes back in the one JSON error shape,
from gunicorn and from waitress alike (issue 16: 11)."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from chassis.secantus import free_port, wait_for_port

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SIZE = 200 * 1024 * 1024


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def worker_of(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert children, "gunicorn has no worker"
    return int(children[0])


@pytest.fixture
def booking_web(mongo_uri, db_prefix):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"AMQP_URL"}},
        "MONGODB_URI": mongo_uri,
        "MONGODB_DB_PREFIX": db_prefix,
        "AMQP_URL": "memory://",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "warning",
    }
    process = subprocess.Popen(
        [GUNICORN, "-c", "python:relais.gunicorn_conf", "services.booking.app:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=60)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(30)


def test_a_200_mb_body_is_refused_before_it_is_read(booking_web):
    port, master = booking_web
    worker = worker_of(master)
    for _ in range(3):  # warm: the worker's first requests load what it keeps
        warm = urllib.request.Request(
            f"http://127.0.0.1:{port}/appointments",
            data=b"{}",
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(warm, timeout=10)
    before = rss_kb(worker)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        head = (
            "POST /appointments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {SIZE}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode())
        sent = []

        def send_body():  # keep sending, as a client would, until the server hangs up
            chunk = b"[" * 65536
            try:
                for _ in range(SIZE // len(chunk)):
                    conn.sendall(chunk)
                    sent.append(len(chunk))
            except OSError:
                pass

        started = time.monotonic()
        threading.Thread(target=send_body, daemon=True).start()
        answer = conn.recv(4096).decode(errors="replace")
        elapsed = time.monotonic() - started
        while "}" not in answer:  # the rest of the (small) JSON answer
            more = conn.recv(4096)
            if not more:
                break
            answer += more.decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert '"status": 413' in answer or '"status":413' in answer  # the one JSON shape
    assert elapsed < 1.0  # answered while the body was still on its way
    assert sum(sent) < SIZE  # most of it was never taken
    assert rss_kb(worker) - before < 20 * 1024  # the worker did not grow (< 20 MB)


def raw(port: int, request: bytes) -> tuple[int, str, str]:
    """Send bytes as they are; the status, content type and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while True:
            more = conn.recv(65536)
            if not more:
                break
            answer += more
    head, _, body = answer.decode("latin-1").partition("\r\n\r\n")
    status = int(head.split()[1])
    kind = next(
        (
            line.split(":", 1)[1].strip()
            for line in head.splitlines()
            if line.lower().startswith("content-type:")
        ),
        "",
    )
    return status, kind, body


SERVER_REFUSALS = [
    b"GET /slots?site_id=" + b"a" * 262144 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /slots HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\nConnection: close\r\n\r\n",
]


@pytest.mark.parametrize("request_bytes", SERVER_REFUSALS, ids=["long query", "bare CR"])
def test_gunicorn_s_own_refusals_are_json(booking_web, request_bytes):
    port, _ = booking_web
    status, kind, body = raw(port, request_bytes)
    assert 400 <= status < 500 and kind == "application/json", (status, kind, body[:200])
    assert json.loads(body)["status"] == status


@pytest.mark.parametrize("request_bytes", SERVER_REFUSALS, ids=["long query", "bare CR"])
def test_waitress_s_own_refusals_are_json(make_config, request_bytes):
    from chassis.testing.server import serving
    from services.booking.app import create_app

    with serving(create_app(make_config("booking"))) as base:
        port = int(base.rsplit(":", 1)[1])
        status, kind, body = raw(port, request_bytes)
    assert 400 <= status < 500 and kind == "application/json", (status, kind, body[:200])
    assert json.loads(body)["status"] == status
