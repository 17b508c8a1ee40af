"""`relais up` as `make up` runs it, on the real RabbitMQ: effects cross its processes.

The default path: no ``MONGODB_URI``, so the local services mode starts a
SecantusDB server as a process of its own, and ``up`` loads the demo data.  A
week confirmed at the roster (its web process) reaches booking's worker
(slots), a booking through the gateway reaches records' worker (the patient's
record) and a partner-style queue bound to booking.#.  Then honcho is killed
with SIGKILL, the worst case for ``make down``, which must still stop every
process the run started (gunicorn masters and workers, workers, SecantusDB).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pymongo
import pytest

from chassis.secantus import uri_for
from chassis.testing.waiting import wait_until
from contracts.weeks import IsoWeek
from gateway.seed import DEMO_PASSWORD
from tests.support.booking import patient
from tests.support.roster import doctor

RELAIS = str(Path(sys.executable).with_name("relais"))


def free_block(count: int) -> int:
    for start in range(23000, 60000, 97):
        try:
            sockets = [socket.create_server(("127.0.0.1", start + i)) for i in range(count)]
        except OSError:
            continue
        for sock in sockets:
            sock.close()
        return start
    raise RuntimeError("no free ports")


def call(base, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        base + path,
        method=method,
        headers=headers,
        data=json.dumps(body).encode() if body is not None else None,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def process(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a live process; None if gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] in "ZX" else (int(fields[1]), fields[19])


def descendants(root: int) -> dict[int, str]:
    """Every process below ``root`` (by parent pid), with its start time and command line."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := process(int(entry.name))):
            tree.setdefault(found[0], []).append(int(entry.name))
    below, todo = {}, [root]
    while todo:
        for child in tree.get(todo.pop(), []):
            try:
                below[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            todo.append(child)
    return {pid: cmd.decode(errors="replace") for pid, cmd in below.items()}


@pytest.fixture
def local(tmp_path, bus_settings):
    """`relais up` on the default path; `relais down` afterwards whatever happened."""
    base = free_block(8)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("MONGODB_URI", "MONGODB_DB_PREFIX")
    }
    env.update(
        AMQP_URL=bus_settings.url,
        RELAIS_EXCHANGE=bus_settings.exchange,
        RELAIS_QUEUE_PREFIX=bus_settings.queue_prefix,
        WEB_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
        RELAIS_OUTBOX_POLL="0.05",
    )
    data_dir = tmp_path / "local"
    ports = ["--port", str(base), "--base-port", str(base + 2), "--db-port", str(base + 1)]
    up = subprocess.run(
        [RELAIS, "up", "--data-dir", str(data_dir), *ports],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    try:
        assert up.returncode == 0, up.stdout + up.stderr + _log_tail(data_dir)
        yield {
            "url": f"http://127.0.0.1:{base}",
            "port": base,
            "mongo": uri_for("127.0.0.1", base + 1),
            "data_dir": data_dir,
            "env": env,
            "output": up.stdout,
        }
    finally:
        subprocess.run([RELAIS, "down", "--data-dir", str(data_dir)], env=env, timeout=120)


def _log_tail(data_dir: Path) -> str:
    try:
        return (data_dir / "relais.log").read_text()[-3000:]
    except OSError:
        return ""


def test_make_up_runs_every_process_on_its_own_database_and_make_down_stops_them_all(local, tap):
    base, output = local["url"], local["output"]
    partner_like = tap("booking.#")
    # the demo data went in through the services' own processes
    for service in ("directory", "roster", "booking", "records"):
        assert f"{service}: demo data loaded" in output, output
    assert base in output

    # every process the run started, found from honcho down (not by how `down` finds them)
    honcho = int((local["data_dir"] / "relais.pid").read_text())
    children = descendants(honcho)
    commands = [c for c in children.values() if not c.startswith("/bin/sh ")]
    assert sum("gunicorn" in c for c in commands) >= 12, commands  # 6 masters + their workers
    assert sum(" worker " in c for c in commands) >= 5, commands
    assert sum("secantusd" in c for c in commands) == 1, commands
    started = {pid: process(pid) for pid in [honcho, *children]}

    coordinator = call(
        base, "POST", "/auth/login", {"username": "coordination", "password": DEMO_PASSWORD}
    )[1]["access_token"]
    status, registered = call(base, "POST", "/api/roster/doctors", doctor(90210), coordinator)
    assert status == 201, registered
    # the demo rota leaves Ajain's sixth week without a doctor: this one takes it
    week = IsoWeek.of(datetime.now(ZoneInfo("Europe/Paris")).date()).next(5)
    status, body = call(
        base,
        "POST",
        "/api/roster/assignments",
        {
            "site_id": "site-ajain",
            "week": str(week),
            "doctor_id": registered["id"],
            "confirm": True,
            "override_rpps_reason": "attestation seen",
        },
        coordinator,
    )
    assert status == 201, body
    monday = week.monday
    query = f"site_id=site-ajain&from={monday}&to={monday + timedelta(days=6)}"
    slots = wait_until(lambda: call(base, "GET", f"/api/booking/slots?{query}")[1], timeout=30)
    assert slots, "the roster's week never produced slots in booking"
    status, booked = call(
        base,
        "POST",
        "/api/booking/appointments",
        {"slot_id": slots[0]["id"], "motif": "consultation", "patient": patient(7)},
    )
    assert status == 201, booked

    records = pymongo.MongoClient(local["mongo"], serverSelectionTimeoutMS=5000)
    assert wait_until(
        lambda: (
            records["relais_records"]["records"].count_documents({"_id": booked["patient_id"]}) == 1
        ),
        timeout=30,
    )
    records.close()
    received = partner_like.drain(expect=2, timeout=30)
    types = {e["type"] for e in received}
    assert {"booking.appointment.booked.v1", "booking.patient.registered.v2"} <= types

    # the worst case for `make down`: the process manager itself is gone
    os.kill(honcho, signal.SIGKILL)
    done = subprocess.run(
        [RELAIS, "down", "--data-dir", str(local["data_dir"])],
        env=local["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    left = {pid: children.get(pid, "honcho") for pid, at in started.items() if process(pid) == at}
    assert left == {}
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", local["port"]), timeout=1)
