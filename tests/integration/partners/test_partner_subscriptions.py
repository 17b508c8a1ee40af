"""Partners on the real RabbitMQ: their own user and queue, pseudonyms, no personal data."""

import uuid

import pika
import pytest

from contracts.catalog import catalog
from contracts.envelope import parse
from services.partners.documents import Partner
from services.partners.domain import pseudonym
from tests.integration.partners.broker import (
    ACCESS_REFUSED,
    BOOKED,
    broker_users,
    connect_as,
    credentials,
    publish_booked,
    queue_exists,
    queue_type,
    rabbitmqctl,
    receive,
)


def test_a_partner_gets_pseudonymised_public_events_on_its_own_queue_only(partners, bus_settings):
    url = bus_settings.url
    suffix = uuid.uuid4().hex[:6]
    a, b = f"cpts-a-{suffix}", f"cpts-b-{suffix}"
    refused = partners("add", a, "--bind", "booking.#")
    assert refused.exit_code != 0 and "internal events" in refused.output
    made_a = partners("add", a, "--bind", "booking.appointment.*.v1", "--bind", "roster.gap.*.v1")
    assert made_a.exit_code == 0, made_a.output
    made_b = partners("add", b, "--bind", "booking.appointment.*.v1")
    assert made_b.exit_code == 0, made_b.output
    creds_a, creds_b = credentials(made_a.output), credentials(made_b.output)
    key_a = Partner.objects.get(id=a).pseudonym_key
    key_b = Partner.objects.get(id=b).pseudonym_key

    sent = [publish_booked(bus_settings, "pat-0042"), publish_booked(bus_settings, "pat-0042")]

    conn_a = connect_as(url, creds_a)
    got_a = [parse(body, catalog()) for body in receive(conn_a, creds_a["queue"], 2)]
    assert [e.id for e in got_a] == [e["id"] for e in sent]
    for event in got_a:
        assert event.data["patient_id"] == pseudonym(key_a, "pat-0042")
        assert not {"birth_name", "first_given_name", "birth_date", "birth_place", "phone"} & set(
            event.envelope["data"]
        )
    conn_b = connect_as(url, creds_b)
    got_b = [parse(body, catalog()) for body in receive(conn_b, creds_b["queue"], 1)]
    assert got_b[0].data["patient_id"] == pseudonym(key_b, "pat-0042")
    assert got_b[0].data["patient_id"] != got_a[0].data["patient_id"]

    # A may not read B's queue, nor publish anything
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused_read:
        receive(conn_a, creds_b["queue"], 1, timeout=2)
    assert refused_read.value.reply_code == ACCESS_REFUSED
    conn_a = connect_as(url, creds_a)
    channel = conn_a.channel()
    channel.confirm_delivery()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused_write:
        channel.basic_publish(bus_settings.exchange, BOOKED, b"{}")
    assert refused_write.value.reply_code == ACCESS_REFUSED
    conn_a.close()
    conn_b.close()


def test_removing_a_partner_deletes_its_queue_and_user_and_the_others_keep_receiving(
    partners, bus_settings
):
    url = bus_settings.url
    suffix = uuid.uuid4().hex[:6]
    kept, gone = f"cpts-k-{suffix}", f"cpts-g-{suffix}"
    creds_kept = credentials(partners("add", kept, "--bind", "booking.appointment.*.v1").output)
    creds_gone = credentials(partners("add", gone, "--bind", "booking.appointment.*.v1").output)
    assert queue_exists(url, creds_gone["queue"]) and creds_gone["username"] in broker_users()
    before = publish_booked(bus_settings, "pat-0050")
    gone_conn = connect_as(url, creds_gone)
    assert [parse(b, catalog()).id for b in receive(gone_conn, creds_gone["queue"])] == [
        before["id"]
    ]

    removed = partners("remove", gone)
    assert removed.exit_code == 0, removed.output

    assert not queue_exists(url, creds_gone["queue"])  # a passive declare: NOT_FOUND
    assert creds_gone["username"] not in broker_users()
    with pytest.raises(pika.exceptions.AMQPConnectionError):
        connect_as(url, creds_gone)
    assert Partner.objects(id=gone).count() == 0
    listed = partners("list")
    assert kept in listed.output and gone not in listed.output
    # the fan-out keeps going: the kept partner gets this and the earlier event, in order
    later = [publish_booked(bus_settings, "pat-0051") for _ in range(3)]
    kept_conn = connect_as(url, creds_kept)
    got = [parse(b, catalog()).id for b in receive(kept_conn, creds_kept["queue"], 4)]
    assert got == [before["id"], *(e["id"] for e in later)]
    assert not queue_exists(url, creds_gone["queue"])  # nothing declared it again
    kept_conn.close()


def test_rotating_a_password_locks_out_the_old_one(partners, bus_settings):
    name = f"cpts-r-{uuid.uuid4().hex[:6]}"
    old = credentials(partners("add", name, "--bind", "roster.gap.*.v1").output)
    new = credentials(partners("rotate-password", name).output)
    assert new["password"] != old["password"]
    connect_as(bus_settings.url, new).close()
    with pytest.raises(pika.exceptions.AMQPConnectionError):
        connect_as(bus_settings.url, old)


def test_a_partner_queue_is_a_quorum_queue_because_the_broker_says_it_supports_them(
    partners, bus_settings
):
    from services.partners.topology import broker_server

    server = broker_server(bus_settings)  # read from the broker's server properties
    assert (server.product, server.version) == ("RabbitMQ", rabbitmqctl("version").strip())
    assert server.supports_quorum_queues
    name = f"cpts-q-{uuid.uuid4().hex[:6]}"
    made = partners("add", name, "--bind", "roster.gap.*.v1")
    assert made.exit_code == 0, made.output
    assert queue_type(credentials(made.output)["queue"]) == "quorum"
