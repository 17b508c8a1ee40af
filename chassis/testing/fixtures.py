"""Pytest fixtures for a real broker and a real MongoDB-wire server (a pytest plugin).

RabbitMQ: ``AMQP_URL`` if set, else a broker on 127.0.0.1:5672, else
testcontainers when a Docker engine answers; else broker tests are skipped with
the reason printed, and fail instead when ``REQUIRE_BROKER=1`` (CI).

MongoDB: ``MONGODB_URI`` if set (a real mongod), else testcontainers when
Docker answers, else a SecantusDB server started for the session (always
reached with ``retryWrites=false``).

Isolation: each test gets its own exchange and queue names and its own
database names, all removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import uuid
from dataclasses import replace

import pymongo
import pytest

from chassis.config import BusSettings, ServiceConfig, database_name
from chassis.db import connect_database
from chassis.secantus import SecantusProcess
from chassis.testing.proxy import TcpProxy

SERVICES = ("booking", "roster", "records", "directory", "gateway", "probe", "sink", "partners")


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def _tcp_open(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def broker_url():
    if url := os.environ.get("AMQP_URL"):
        yield url
        return
    if _tcp_open("127.0.0.1", 5672):
        yield "amqp://guest:guest@127.0.0.1:5672//"
        return
    if _docker_answers():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-management") as container:
            host, port = container.get_container_host_ip(), container.get_exposed_port(5672)
            yield f"amqp://guest:guest@{host}:{port}//"
        return
    reason = "no RabbitMQ: AMQP_URL unset, nothing on 127.0.0.1:5672, no Docker engine"
    if os.environ.get("REQUIRE_BROKER") == "1":
        pytest.fail(reason + " (REQUIRE_BROKER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory):
    if uri := os.environ.get("MONGODB_URI"):
        yield uri
        return
    if _docker_answers():
        from testcontainers.mongodb import MongoDbContainer

        with MongoDbContainer("mongo:7") as container:
            yield container.get_connection_url()
        return
    root = tmp_path_factory.mktemp("secantus")
    server = SecantusProcess(root / "data", log_path=root / "secantus.log").start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture
def unique():
    return uuid.uuid4().hex[:10]


@pytest.fixture
def bus_settings(broker_url, unique):
    """Bus settings on names of this test's own; its queues and exchanges go afterwards."""
    settings = BusSettings(
        url=broker_url,
        exchange=f"t.{unique}.events",
        queue_prefix=f"t.{unique}.",
        retry_delays=(0.2, 0.5),
        max_attempts=3,
        publish_timeout=5.0,
        outbox_poll_interval=0.05,
        heartbeat=10,
    )
    yield settings
    from chassis.bus.publisher import open_connection
    from chassis.bus.topology import delete_everything, queue_names

    with contextlib.suppress(Exception):
        conn = open_connection(replace(settings, url=broker_url), heartbeat=0)
        with conn:
            channel = conn.channel()
            delete_everything(channel, settings, SERVICES)
            # processes a test starts on these names use the default retry delays
            defaults = replace(settings, retry_delays=BusSettings.retry_delays)
            for service in SERVICES:
                for _, name in queue_names(defaults, service).retries:
                    channel.queue_delete(name)


@pytest.fixture
def db_prefix(mongo_uri, unique):
    prefix = f"t{unique}"
    yield prefix
    client = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        for name in client.list_database_names():
            if name.startswith(prefix + "_"):
                client.drop_database(name)
    finally:
        client.close()


@pytest.fixture
def make_config(mongo_uri, db_prefix):
    """``make_config(service, bus=...)``: a ServiceConfig on this test's database, connected."""

    def make(service: str, bus: BusSettings | None = None, **overrides) -> ServiceConfig:
        config = ServiceConfig(
            service=service,
            mongodb_uri=mongo_uri,
            database=database_name(mongo_uri, service, db_prefix),
            bus=bus or BusSettings(url="memory://", exchange=f"{db_prefix}.events"),
            **overrides,
        )
        connect_database(config)
        return config

    return make


@pytest.fixture
def broker_proxy(broker_url):
    """A cuttable TCP path to the broker: ``(proxy, url through it)``."""
    from urllib.parse import urlsplit

    parts = urlsplit(broker_url)
    proxy = TcpProxy(parts.hostname, parts.port or 5672).start()
    netloc = f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}"
    yield proxy, parts._replace(netloc=netloc).geturl()
    proxy.close()


@pytest.fixture
def issuer():
    """Signs test tokens; services under test verify with its public key."""
    from chassis.auth import TokenIssuer

    return TokenIssuer("relais", "relais")


@pytest.fixture
def bearer(issuer):
    """``bearer(role, sub=..., sites=[...])``: an Authorization header."""

    def make(role: str, sub: str = "user-1", **claims) -> dict:
        claims.setdefault("sites", ["*"] if role in {"coordinator", "operator"} else [])
        return {"Authorization": f"Bearer {issuer.issue(sub, role, **claims)}"}

    return make


@pytest.fixture
def tap(bus_settings):
    """``tap(*routing_keys)``: a queue of this test's own on the events exchange."""
    from chassis.testing.tap import Tap

    taps = []

    def make(*keys):
        taps.append(Tap(bus_settings, *keys))
        return taps[-1]

    yield make
    for opened in taps:
        opened.close()


@pytest.fixture
def background():
    """Run loops (relay.run, consumer.run) in threads; all stopped after the test."""
    stop = threading.Event()
    threads = []

    def start(loop):
        thread = threading.Thread(target=loop, args=(stop,), daemon=True)
        thread.start()
        threads.append(thread)
        return thread

    yield start
    stop.set()
    for thread in threads:
        thread.join(15)
