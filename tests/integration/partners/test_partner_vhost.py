"""A deployment on its own vhost: partner users, queues and printed details all use it.

The test makes a vhost of its own (rabbitmqctl add_vhost) and deletes it, with
everything in it, afterwards; the management plugin is not listening here, so
the rabbitmqctl path is the one exercised.
"""

import uuid
from dataclasses import replace
from urllib.parse import quote, urlsplit

import pytest

from contracts.catalog import catalog
from contracts.envelope import parse
from services.partners.broker_admin import Rabbitmqctl, broker_admin
from tests.integration.partners.broker import (
    broker_users,
    connect_as,
    credentials,
    publish_booked,
    queue_exists,
    rabbitmqctl,
    receive,
    user_permissions,
)


@pytest.fixture
def vhost_bus(bus_settings):
    """Bus settings whose AMQP_URL names a fresh vhost (the admin user may use it)."""
    vhost = f"relais-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    try:
        parts = urlsplit(bus_settings.url)
        rabbitmqctl("set_permissions", "-p", vhost, parts.username, ".*", ".*", ".*")
        url = parts._replace(path="/" + quote(vhost, safe="")).geturl()
        yield vhost, replace(bus_settings, url=url)
    finally:
        rabbitmqctl("delete_vhost", vhost)


def test_partners_live_on_the_vhost_named_in_the_amqp_url(vhost_bus, partners_on):
    vhost, bus = vhost_bus
    partners = partners_on(bus)
    assert isinstance(broker_admin({}, vhost=vhost), Rabbitmqctl)  # no management API here
    name = f"cpts-v-{uuid.uuid4().hex[:6]}"

    made = partners("add", name, "--bind", "booking.appointment.*.v1")

    assert made.exit_code == 0, made.output
    details = credentials(made.output)
    assert details["vhost"] == vhost
    assert set(user_permissions(details["username"])) == {vhost}  # nothing on "/"
    assert queue_exists(bus.url, details["queue"], vhost)
    assert not queue_exists(bus.url, details["queue"], "/")
    sent = publish_booked(bus, "pat-0077")
    connection = connect_as(bus.url, details)
    assert [parse(b, catalog()).id for b in receive(connection, details["queue"])] == [sent["id"]]
    connection.close()

    rotated = credentials(partners("rotate-password", name).output)
    assert rotated["vhost"] == vhost
    connect_as(bus.url, rotated).close()

    assert partners("remove", name).exit_code == 0
    assert not queue_exists(bus.url, details["queue"], vhost)
    assert details["username"] not in broker_users()
