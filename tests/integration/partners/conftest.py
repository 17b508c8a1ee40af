"""The partners worker on the real broker, and the `relais partners` CLI on the same settings."""

import contextlib

import pytest
from click.testing import CliRunner

from chassis.bus.publisher import open_connection
from relais.cli import main as relais
from services.partners.worker import build_worker


def cli_env(bus, mongo_uri, db_prefix) -> dict:
    """The environment an operator's `relais partners ...` would run with."""
    return {
        "AMQP_URL": bus.url,
        "RELAIS_EXCHANGE": bus.exchange,
        "RELAIS_QUEUE_PREFIX": bus.queue_prefix,
        "MONGODB_URI": mongo_uri,
        "MONGODB_DB_PREFIX": db_prefix,
        "RELAIS_QUEUE_TYPE": bus.queue_type,
    }


@pytest.fixture
def partners_on(make_config, mongo_uri, db_prefix, bus_settings):
    """``partners_on(bus, worker=True)``: the CLI (and the fan-out worker) on ``bus``.

    Every partner added through it is removed afterwards, and the partners
    exchange of ``bus`` deleted. It asks for ``bus_settings`` so that its workers
    stop before that fixture deletes the test's queues (else they would declare
    them again).
    """
    workers, created, buses = [], [], []

    def start(bus, worker=True):
        buses.append(bus)
        if worker:
            running = build_worker(make_config("partners", bus=bus))
            running.consumer.connect()  # its queue is bound before anything is published
            running.start()
            workers.append(running)
        env = cli_env(bus, mongo_uri, db_prefix)

        def cli(*args):
            result = CliRunner().invoke(relais, ["partners", *args], env=env)
            if args[0] == "add" and result.exit_code == 0:
                created.append((cli, args[1]))
            return result

        return cli

    yield start
    for cli, name in created:
        cli("remove", name)
    for running in workers:
        running.stop()
    for bus in buses:
        with contextlib.suppress(Exception), open_connection(bus, heartbeat=0) as conn:
            conn.channel().exchange_delete(f"{bus.exchange}.partners")


@pytest.fixture
def partners(partners_on, bus_settings):
    return partners_on(bus_settings)
