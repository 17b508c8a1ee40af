"""Kill -9 a worker while it consumes a burst of 500 events: after a restart, each has one effect.

The worker is a process of its own (``python -m tests.support.probe``, the
chassis' ServiceWorker) whose effect is not idempotent by nature: ``$inc`` of
a per-patient tally, five events per patient, so an event handled twice leaves
a tally of 6.  The kill lands where a crash hurts: the worker stops dead after
its 150th effect, mid-batch, before the consumer records that batch in
``processed_events`` and acks it, and is SIGKILLed there.  The broker gives the
batch to the restarted worker, which handles it again: with ``apply_once`` (the
effect and the event id in one atomic write) nothing is counted twice; the same
kill with a naive ``$inc`` counts the batch twice, which shows the test can see
a double effect.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pymongo

from chassis.bus.publisher import ConfirmingPublisher, Outgoing
from chassis.bus.topology import queue_names
from chassis.testing.tap import queue_depth
from chassis.testing.waiting import wait_until
from contracts.catalog import catalog
from contracts.envelope import build, encode
from tests.support.probe import REGISTERED, TALLIES

ROOT = Path(__file__).resolve().parents[2]
EVENTS, PATIENTS, STALL_AFTER = 500, 100, 150


def start_worker(env, *args, stall_after: int = 0) -> subprocess.Popen:
    env = {**env, "PROBE_STALL_AFTER": str(stall_after)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.probe", *args],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def queue_depths(bus_settings) -> tuple[int, int]:
    names = queue_names(bus_settings, "probe")
    return queue_depth(bus_settings, names.main), queue_depth(bus_settings, names.dead)


def burst_with_a_kill(mongo_uri, db_prefix, bus_settings, *worker_args) -> dict:
    env = {
        **os.environ,
        "MONGODB_URI": mongo_uri,
        "MONGODB_DB_PREFIX": db_prefix,
        "AMQP_URL": bus_settings.url,
        "RELAIS_EXCHANGE": bus_settings.exchange,
        "RELAIS_QUEUE_PREFIX": bus_settings.queue_prefix,
        "RELAIS_PREFETCH": "50",
        "LOG_LEVEL": "WARNING",
    }
    database = pymongo.MongoClient(mongo_uri)[f"{db_prefix}_probe"]

    def effects() -> int:
        return sum(d["count"] for d in database[TALLIES].find({}, {"count": 1}))

    def processed() -> int:
        return database.processed_events.count_documents({})

    worker = start_worker(env, *worker_args, stall_after=STALL_AFTER)
    try:

        def queue_exists():
            try:
                queue_depths(bus_settings)
                return True
            except Exception:
                return False

        assert wait_until(queue_exists, timeout=30)  # the worker declared its queue
        sample = catalog().get(REGISTERED).sample
        envelopes = [
            build(catalog(), REGISTERED, {**sample, "patient_id": f"pat-{i % PATIENTS:03d}"})
            for i in range(EVENTS)
        ]
        ConfirmingPublisher(bus_settings).publish_many(
            [Outgoing(REGISTERED, encode(e), e["id"]) for e in envelopes]
        )
        assert wait_until(lambda: effects() >= STALL_AFTER, timeout=60)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    at_kill = {"effects": effects(), "processed": processed()}

    worker = start_worker(env, *worker_args)
    try:
        assert wait_until(lambda: processed() == EVENTS, timeout=120)
        assert wait_until(lambda: queue_depths(bus_settings) == (0, 0), timeout=30)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    tallies = {d["_id"]: d["count"] for d in database[TALLIES].find()}
    print(
        f"\nkilled after {at_kill['effects']} effects, {at_kill['processed']} recorded as "
        f"processed; after the restart: {sum(tallies.values())} effects for {EVENTS} events"
    )
    return {"at_kill": at_kill, "tallies": tallies}


def test_a_worker_killed_mid_burst_leaves_every_event_with_exactly_one_effect(
    mongo_uri, db_prefix, bus_settings
):
    seen = burst_with_a_kill(mongo_uri, db_prefix, bus_settings)
    at_kill = seen["at_kill"]
    assert 0 < at_kill["effects"] < EVENTS, "the kill did not land mid-burst"
    assert at_kill["processed"] < at_kill["effects"], "no effect was left unrecorded at the kill"
    assert seen["tallies"] == {f"pat-{i:03d}": EVENTS // PATIENTS for i in range(PATIENTS)}


def test_the_same_kill_doubles_an_effect_that_is_not_applied_once(
    mongo_uri, db_prefix, bus_settings
):
    seen = burst_with_a_kill(mongo_uri, db_prefix, bus_settings, "--naive")
    at_kill = seen["at_kill"]
    unrecorded = at_kill["effects"] - at_kill["processed"]
    assert unrecorded > 0
    assert sum(seen["tallies"].values()) == EVENTS + unrecorded
