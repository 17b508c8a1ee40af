"""`make run`'s process: health, readiness, clean stop, data kept across restarts."""

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pymongo
import pytest

from chassis.secantus import free_port, wait_for_port

RELAIS = str(Path(sys.executable).with_name("relais"))


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


class Running:
    def __init__(self, data_dir: Path, db_port: int):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in {"MONGODB_URI", "AMQP_URL"}}
        self.process = subprocess.Popen(
            [
                RELAIS,
                "run",
                "--port",
                str(self.port),
                "--data-dir",
                str(data_dir),
                "--db-port",
                str(db_port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
        wait_for_port(self.port, timeout=60)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        output, _ = self.process.communicate(timeout=30)
        return output


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "var"


def test_make_run_answers_health_and_readiness_then_stops_cleanly(data_dir):
    running = Running(data_dir, free_port())
    try:
        status, body = _get(running.url + "/healthz")
        assert status == 200 and body["status"] == "ok"
        status, body = _get(running.url + "/readyz")
        assert status == 200, body
        services = body["checks"]
        assert set(services) == {
            "booking",
            "roster",
            "records",
            "directory",
            "partners",
            "database",
        }
        for name, service in services.items():
            assert service["status"] == "ok", name
            if name == "database":
                continue
            assert service["checks"]["database"]["status"] == "ok", name
            assert service["checks"]["broker"]["status"] == "ok", name
        status, body = _get(running.url + "/api/booking/readyz")
        assert status == 200 and body["checks"]["database"]["database"] == "relais_booking"
    finally:
        output = running.stop()
    assert running.process.returncode == 0
    assert f"Relais is running at http://127.0.0.1:{running.port}/" in output
    assert "Relais stopped." in output


def test_data_is_still_there_at_the_next_start(data_dir):
    db_port = free_port()
    first = Running(data_dir, db_port)
    try:
        client = pymongo.MongoClient(
            f"mongodb://127.0.0.1:{db_port}/?retryWrites=false&directConnection=true"
        )
        client.relais_booking.marker.insert_one({"_id": "kept", "v": 1})
        client.close()
    finally:
        first.stop()
    second = Running(data_dir, db_port)
    try:
        client = pymongo.MongoClient(
            f"mongodb://127.0.0.1:{db_port}/?retryWrites=false&directConnection=true"
        )
        assert client.relais_booking.marker.find_one({"_id": "kept"}) == {"_id": "kept", "v": 1}
        client.close()
    finally:
        second.stop()
