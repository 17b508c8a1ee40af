"""examples/cpts_subscriber.py, as a partner would run it, against the real broker."""

import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from chassis.testing.waiting import wait_until
from tests.integration.partners.broker import credentials, publish_booked

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "cpts_subscriber.py"


def test_the_example_subscriber_prints_events_with_pseudonyms(partners, bus_settings, tmp_path):
    name = f"cpts-x-{uuid.uuid4().hex[:6]}"
    details = credentials(partners("add", name, "--bind", "booking.appointment.*.v1").output)
    out = tmp_path / "out.txt"
    env = {
        **os.environ,
        "RELAIS_USER": details["username"],
        "RELAIS_PASSWORD": details["password"],
        "RELAIS_QUEUE": details["queue"],
        "RELAIS_VHOST": details["vhost"],
        "PYTHONPATH": "",
    }
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLE)],
        env=env,
        cwd=tmp_path,
        stdout=out.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        publish_booked(bus_settings, "pat-0099")
        assert wait_until(lambda: "booking.appointment.booked.v1" in out.read_text(), timeout=20)
        line = out.read_text()
        assert re.search(r"patient=ps-[0-9a-f]{32}", line) and "pat-0099" not in line
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(10)
