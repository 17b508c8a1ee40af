"""The outbox, the broker and the idempotent consumer, on the real RabbitMQ."""

import json

from click.testing import CliRunner

from chassis.bus.consumer import batch_handler
from chassis.bus.publisher import ConfirmingPublisher, Outcome, Outgoing
from chassis.bus.topology import queue_names
from chassis.db import database
from chassis.testing.tap import queue_depth
from chassis.testing.waiting import wait_until
from contracts.catalog import catalog
from contracts.envelope import build, encode, parse
from relais.cli import main as relais
from tests.support import probe


def consumer_queue_depth(bus, service) -> int:
    return queue_depth(bus, queue_names(bus, service).main)


def test_an_event_saved_through_the_outbox_reaches_the_consumer_once(
    make_config, bus_settings, background
):
    producer = make_config("booking", bus=bus_settings)
    consumer_config = make_config("records", bus=bus_settings)
    probe.prepare()
    consumer = probe.consumer_for(consumer_config)
    consumer.connect()  # queue declared before anything is published
    background(probe.relay_for(producer).run)
    background(consumer.run)

    appointment = probe.save_visit()

    assert wait_until(lambda: probe.effects().get(appointment) == 1)
    assert wait_until(lambda: probe.pending_events() == 0)


def test_the_same_event_delivered_twice_has_one_effect(make_config, bus_settings, background):
    producer = make_config("booking", bus=bus_settings)
    consumer = probe.consumer_for(make_config("records", bus=bus_settings))
    probe.prepare()
    consumer.connect()
    appointment = probe.save_visit()
    visit = probe.ProbeVisit.objects.get(appointment_id=appointment)
    envelope = visit.outbox[0]["envelope"]
    relay = probe.relay_for(producer)

    # the relay publishes it, and a second copy goes out as after a lost confirm
    assert relay.relay_once() == 1
    ConfirmingPublisher(bus_settings).publish(
        Outgoing(envelope["type"], encode(envelope), envelope["id"])
    )
    background(consumer.run)

    assert wait_until(lambda: probe.effects().get(appointment) == 1)
    processed = database("records")["processed_events"]
    assert wait_until(lambda: processed.count_documents({"_id": envelope["id"]}) == 1)
    # the second copy was consumed (acked as a duplicate), not left behind
    assert wait_until(lambda: consumer_queue_depth(bus_settings, "records") == 0)
    assert probe.effects() == {appointment: 1}


def test_a_failing_event_is_retried_then_dead_lettered_while_others_flow_and_replay_handles_it(
    make_config, bus_settings, background, monkeypatch
):
    producer = make_config("booking", bus=bus_settings)
    config = make_config("records", bus=bus_settings)
    probe.prepare()
    fixed = {"now": False}

    def flaky(event):
        if event.data["patient_id"] == "bad" and not fixed["now"]:
            flaky.failures += 1
            raise RuntimeError("cannot handle this one yet")
        event.data["patient_id"] = "p-ok"
        probe.record_effect(event)

    flaky.failures = 0
    consumer = probe.consumer_for(config, handler=flaky)
    consumer.connect()
    background(probe.relay_for(producer).run)
    background(consumer.run)

    poison = probe.save_visit(fail=True)
    later = [probe.save_visit() for _ in range(5)]

    # later messages keep flowing while the poison one waits in the retry queues
    assert wait_until(lambda: all(probe.effects().get(a) == 1 for a in later), timeout=10)
    # after max_attempts (3) it is in the dead-letter queue
    names = queue_names(bus_settings, "records")
    env = {
        "AMQP_URL": bus_settings.url,
        "RELAIS_EXCHANGE": bus_settings.exchange,
        "RELAIS_QUEUE_PREFIX": bus_settings.queue_prefix,
        "RELAIS_RETRY_DELAYS": ",".join(str(d) for d in bus_settings.retry_delays),
    }

    def dead_letters():
        result = CliRunner().invoke(relais, ["deadletters", "list", "records", "--json"], env=env)
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.output.splitlines() if line.strip()]

    letters = wait_until(dead_letters, timeout=10)
    assert len(letters) == 1
    assert letters[0]["type"] == probe.BOOKED
    assert letters[0]["attempts"] == bus_settings.max_attempts
    assert "cannot handle this one yet" in letters[0]["error"]
    assert flaky.failures == bus_settings.max_attempts
    assert poison not in probe.effects()
    assert names.dead.endswith("records.dlq")

    # the handler is fixed; the operator replays the dead letter and it is handled
    fixed["now"] = True
    result = CliRunner().invoke(relais, ["deadletters", "replay", "records"], env=env)
    assert result.exit_code == 0, result.output
    assert "replayed 1" in result.output
    assert wait_until(lambda: probe.effects().get(poison) == 1)
    assert dead_letters() == []


def test_an_undecodable_message_lands_in_the_dead_letter_queue(
    make_config, bus_settings, background
):
    config = make_config("records", bus=bus_settings)
    make_config("booking", bus=bus_settings)
    probe.prepare()
    consumer = probe.consumer_for(config)
    consumer.connect()
    background(consumer.run)
    publisher = ConfirmingPublisher(bus_settings)
    envelope = build(catalog(), probe.BOOKED, catalog().get(probe.BOOKED).sample)
    broken_envelope = {**envelope, "specversion": "0.3"}
    bad_data = {**envelope, "id": "bad-data", "data": {"appointment_id": 7}}

    for message_id, body in [
        ("not-json", b"\x00\xff not json at all"),
        ("bad-envelope", encode(broken_envelope)),
        ("bad-data", encode(bad_data)),
    ]:
        publisher.publish(Outgoing(probe.BOOKED, body, message_id))
    publisher.publish(Outgoing(probe.BOOKED, encode(envelope), envelope["id"]))

    from chassis.bus.deadletters import list_dead_letters

    letters = wait_until(
        lambda: (
            len(list_dead_letters(bus_settings, "records")) == 3
            and list_dead_letters(bus_settings, "records")
        ),
        timeout=10,
    )
    assert {letter.message_id for letter in letters} == {"not-json", "bad-envelope", "bad-data"}
    assert all(letter.error.startswith("undecodable") for letter in letters)
    # the good one behind them was handled
    assert wait_until(lambda: probe.effects().get(envelope["data"]["appointment_id"]) == 1)


def test_an_unroutable_publish_is_reported_never_silent(bus_settings):
    publisher = ConfirmingPublisher(bus_settings)
    # straight to a queue that does not exist: the broker returns it (mandatory)
    outcomes = publisher.publish_many(
        [Outgoing("no-such-queue-anywhere", b"{}", "m1", exchange="")]
    )
    assert outcomes == [Outcome.RETURNED]


def test_events_nobody_is_bound_to_are_kept_in_the_unrouted_queue(bus_settings):
    from kombu import Queue

    from chassis.bus.publisher import open_connection
    from chassis.bus.topology import declare_exchange

    with open_connection(bus_settings) as conn:
        declare_exchange(conn.channel(), bus_settings)
        publisher = ConfirmingPublisher(bus_settings)
        assert publisher.publish_many([Outgoing("roster.gap.detected.v1", b"{}", "g1")]) == [
            Outcome.CONFIRMED
        ]
        message = Queue(f"{bus_settings.exchange}.unrouted").bind(conn.channel()).get(no_ack=True)
        assert message is not None and message.properties["message_id"] == "g1"


def test_a_batch_handler_stores_a_batch_at_once_and_a_poison_event_holds_up_no_other(
    make_config, bus_settings, background
):
    producer = make_config("booking", bus=bus_settings)
    config = make_config("records", bus=bus_settings)
    probe.prepare()
    calls: list[int] = []

    @batch_handler
    def effects(events):
        calls.append(len(events))
        probe.record_effects(events)

    consumer = probe.consumer_for(config, handler=effects)
    consumer.connect()
    visits = [probe.save_visit() for _ in range(30)]
    poison = probe.save_visit(fail=True)
    assert probe.relay_for(producer).relay_once() == 31  # all queued before consuming
    assert probe.pending_events() == 0

    background(consumer.run)

    assert wait_until(lambda: all(probe.effects().get(v) == 1 for v in visits), timeout=10)
    assert max(calls) > 1  # whole batches in one call...
    assert poison not in probe.effects()  # ...and the poison one alone, retried, then out
    letters = wait_until(
        lambda: queue_depth(bus_settings, queue_names(bus_settings, "records").dead),
        timeout=10,
    )
    assert letters == 1
    assert probe.effects() == dict.fromkeys(visits, 1)  # nothing twice


def test_a_batch_effect_replayed_changes_nothing(make_config):
    make_config("records")
    probe.prepare()
    events = [
        build(catalog(), probe.BOOKED, {**catalog().get(probe.BOOKED).sample, "appointment_id": a})
        for a in ("a1", "a2", "a1")
    ]
    parsed = [parse(json.dumps(e), catalog()) for e in events]

    probe.record_effects(parsed)
    probe.record_effects(parsed)  # a redelivery of the whole batch
    probe.record_effects(parsed[:1])  # and of one event

    assert probe.effects() == {"a1": 2, "a2": 1}  # two distinct events for a1, once each


def test_a_handler_that_records_its_events_needs_no_processed_record_and_still_acts_once(
    make_config, bus_settings, background
):
    producer = make_config("booking", bus=bus_settings)
    consumer = probe.consumer_for(make_config("records", bus=bus_settings), probe.record_effects)
    probe.prepare()
    consumer.connect()
    visits = [probe.save_visit() for _ in range(10)]
    envelopes = [
        probe.ProbeVisit.objects.get(appointment_id=v).outbox[0]["envelope"] for v in visits
    ]
    assert probe.relay_for(producer).relay_once() == 10
    publisher = ConfirmingPublisher(bus_settings)
    for envelope in envelopes:  # every event a second time, as after lost acks
        publisher.publish(Outgoing(envelope["type"], encode(envelope), envelope["id"]))

    background(consumer.run)

    assert wait_until(lambda: consumer_queue_depth(bus_settings, "records") == 0)
    assert wait_until(lambda: len(probe.effects()) == 10)
    assert probe.effects() == dict.fromkeys(visits, 1)
    assert database("records")["processed_events"].count_documents({}) == 0
