"""The gateway under gunicorn: the login limit holds across two workers (shared through
Redis), and a request refused before its body is read still gets its answer.

Which worker served which request is read from gunicorn's own access log (the
worker's pid beside the request id each answer echoes): no product code exists
for the test's sake.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from chassis.secantus import free_port, wait_for_port

ACCESS_FORMAT = "%(p)s %({x-request-id}o)s %(s)s"  # <pid> request-id status
LOGIN_LIMIT = 5


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        socket.create_connection((host, int(port or 6379)), timeout=2).close()
    except OSError:
        reason = f"no Redis at {url}"
        if os.environ.get("REQUIRE_BROKER") == "1":
            pytest.fail(reason + " (REQUIRE_BROKER=1)")
        pytest.skip(reason)
    return url


@pytest.fixture
def gateway_processes(mongo_uri, db_prefix, issuer, tmp_path):
    port = free_port()
    pem = issuer.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    env = {
        **os.environ,
        "MONGODB_URI": mongo_uri,
        "MONGODB_DB_PREFIX": db_prefix,
        "JWT_PRIVATE_KEY": pem,
        "REDIS_URL": redis_url(),
        "GATEWAY_RATE_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        # per hour: the window cannot roll over while the test runs
        "GATEWAY_LOGIN_LIMIT": f"{LOGIN_LIMIT} per hour",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    access_log = tmp_path / "access.log"
    command = [gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}"]
    command += ["--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT]
    process = subprocess.Popen(
        [*command, "gateway.app:create_app_from_env()"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("wb"),  # kept by pytest for a post-mortem
    )
    try:
        wait_for_port(port, timeout=60)
        yield f"http://127.0.0.1:{port}", process, access_log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def login(base: str, request_id: str) -> tuple[int, dict, str | None]:
    """A wrong password, on a connection of its own (either worker may take it)."""
    request = urllib.request.Request(
        base + "/auth/login",
        method="POST",
        data=json.dumps({"username": "nobody", "password": "wrong"}).encode(),
        headers={
            "Content-Type": "application/json",
            "Connection": "close",
            "X-Request-Id": request_id,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), None
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), exc.headers.get("Retry-After")


def workers_of(process, timeout: float = 30) -> set[int]:
    deadline = time.monotonic() + timeout
    while True:
        found = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True)
        pids = {int(pid) for pid in found.stdout.split()}
        if len(pids) == 2 or time.monotonic() > deadline:
            return pids
        time.sleep(0.2)


def served_by(access_log: Path) -> dict[str, tuple[int, int]]:
    """request id -> (worker pid, status), from gunicorn's access log."""
    served = {}
    if access_log.exists():
        for line in access_log.read_text().splitlines():
            pid, request_id, status = line.split()
            served[request_id] = (int(pid.strip("<>")), int(status))
    return served


def test_the_login_limit_is_shared_by_both_workers(gateway_processes):
    base, process, access_log = gateway_processes
    workers = workers_of(process)
    assert len(workers) == 2, workers
    answers: dict[str, tuple[int, dict, str | None]] = {}
    refused_by: set[int] = set()
    deadline = time.monotonic() + 90
    # fresh connections until each worker has refused at least once
    while refused_by != workers and time.monotonic() < deadline:
        request_id = f"login-{len(answers)}"
        answers[request_id] = login(base, request_id)
        served = served_by(access_log)
        refused_by = {served[r][0] for r, a in answers.items() if a[0] == 429 and r in served}
    assert refused_by == workers, f"both workers should have refused: {refused_by} of {workers}"

    deadline = time.monotonic() + 10  # the last lines may still be on their way
    while not set(answers) <= set(served := served_by(access_log)):
        assert time.monotonic() < deadline, "gunicorn did not log every request"
        time.sleep(0.1)
    assert {served[r][1] for r in answers} <= {401, 429}
    assert {served[r][0] for r in answers} == workers
    allowed = {r: served[r][0] for r, (status, _, _) in answers.items() if status == 401}
    # one count for both: five wrong passwords in all, not five per worker
    assert len(allowed) == LOGIN_LIMIT, [a[0] for a in answers.values()]
    per_worker = {pid: list(allowed.values()).count(pid) for pid in workers}
    # a worker refused while having let fewer than the limit through itself: it
    # counted the other worker's attempts too (per-worker memory would not)
    assert any(per_worker[pid] < LOGIN_LIMIT for pid in refused_by), per_worker
    for status, body, retry_after in answers.values():
        assert status in (401, 429)
        if status == 429:
            assert body["status"] == 429 and body["error"] == "Too Many Requests"
            assert retry_after is not None and int(retry_after) > 0
    print(f"\n{len(answers)} logins; allowed per worker {per_worker}; both refused")


def test_a_request_refused_before_its_body_is_read_still_gets_its_answer(gateway_processes):
    # gunicorn closes the socket after the response; unread body bytes would make the
    # kernel answer with a reset, and the caller would see no response at all
    base, _, _ = gateway_processes
    body = json.dumps({"note": "x" * 600_000}).encode()
    request = urllib.request.Request(
        base + "/api/booking/appointments",
        method="POST",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": "Bearer not-a-token"},
    )
    for _ in range(3):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 401
        assert json.loads(refused.value.read())["status"] == 401
