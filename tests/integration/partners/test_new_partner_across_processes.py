"""A partner added by `relais partners add` in one process gets every public event published
after the command returned, from a fan-out worker running in another process.
"""

import contextlib
import os
import signal
import subprocess
import sys
import uuid

import pytest

from chassis.bus.publisher import open_connection
from chassis.bus.topology import queue_names
from chassis.testing.waiting import wait_until
from contracts.catalog import catalog
from contracts.envelope import parse
from tests.integration.partners.broker import (
    connect_as,
    credentials,
    publish_booked,
    queue_exists,
    receive,
)
from tests.integration.partners.conftest import cli_env


@pytest.fixture
def env(bus_settings, mongo_uri, db_prefix):
    retry = ",".join(str(delay) for delay in bus_settings.retry_delays)
    return {
        **os.environ,
        **cli_env(bus_settings, mongo_uri, db_prefix),
        "RELAIS_RETRY_DELAYS": retry,  # the names the test's teardown deletes
        "RELAIS_MAX_ATTEMPTS": str(bus_settings.max_attempts),
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def relais(env, bus_settings):
    """``relais(*args)``: the operator's command, in a process of its own."""
    added = []

    def run(*args):
        done = subprocess.run(
            [sys.executable, "-m", "relais.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        if args[:2] == ("partners", "add"):
            added.append(args[2])
        return done.stdout

    yield run
    for name in added:
        subprocess.run(
            [sys.executable, "-m", "relais.cli", "partners", "remove", name],
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
    with contextlib.suppress(Exception), open_connection(bus_settings, heartbeat=0) as conn:
        conn.channel().exchange_delete(f"{bus_settings.exchange}.partners")


@pytest.fixture
def fan_out_process(env, bus_settings, tmp_path):
    """`relais worker partners` in its own process, consuming once its queue is there."""
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "relais.cli", "worker", "partners"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    main = queue_names(bus_settings, "partners").main
    assert wait_until(lambda: queue_exists(bus_settings.url, main), timeout=30), (
        tmp_path / "worker.log"
    ).read_text()
    yield process
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    log.close()


def test_a_new_partner_misses_no_event_published_after_add_returned(
    fan_out_process, relais, bus_settings
):
    url, suffix = bus_settings.url, uuid.uuid4().hex[:6]
    first = credentials(
        relais("partners", "add", f"cpts-1-{suffix}", "--bind", "booking.appointment.*.v1")
    )
    warm = publish_booked(bus_settings, "pat-0100")  # the fan-out has now read its partners
    conn_first = connect_as(url, first)
    assert [parse(b, catalog()).id for b in receive(conn_first, first["queue"])] == [warm["id"]]

    second = credentials(
        relais("partners", "add", f"cpts-2-{suffix}", "--bind", "booking.appointment.*.v1")
    )
    sent = [publish_booked(bus_settings, "pat-0101") for _ in range(5)]

    conn_second = connect_as(url, second)
    got = [parse(b, catalog()).id for b in receive(conn_second, second["queue"], 5, timeout=10)]
    assert got == [e["id"] for e in sent]
    got_first = [parse(b, catalog()).id for b in receive(conn_first, first["queue"], 5)]
    assert got_first == [e["id"] for e in sent]
    conn_first.close()
    conn_second.close()
