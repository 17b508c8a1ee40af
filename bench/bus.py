"""End-to-end events/s: outbox -> RabbitMQ -> idempotent consumer, against raw pika.

In one run, on the same broker:
  relais    N documents saved each with a pending event (one atomic insert each),
            then the outbox relay (batched confirms) and the idempotent consumer
            (processed-event record + an effect document, written for each batch
            in one bulk write, once per event) until every effect is stored
  pika (a)  publish + consume N messages, waiting for the confirm of each publish
  pika (b)  publish + consume N messages, up to 1,000 unconfirmed publishes in flight

The relais pipeline runs twice: both services' databases on one MongoDB-wire
server (as ``make up`` runs them), then each on a server of its own (each
service owns its database; the embedded server loses throughput to concurrent
writers, see bench/secantus_writers.py).  Prints the rates and the ratios.
Usage: python -m bench.bus [--events N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import threading
import time
import uuid

import pika

from bench.common import amqp_url, mongo_uri, ratio
from chassis.bus.publisher import open_connection
from chassis.bus.topology import delete_everything
from chassis.config import BusSettings, ServiceConfig
from chassis.db import connect_database, database
from chassis.testing.waiting import wait_until
from tests.support import probe


# -- raw pika baselines ------------------------------------------------------
def _pika_params():
    # kombu writes the default vhost as "//"; pika wants it percent-encoded
    url = amqp_url()
    if url.endswith("//"):
        url = url[:-1] + "%2F"
    return pika.URLParameters(url)


def _declare(queue: str, queue_type: str) -> None:
    with pika.BlockingConnection(_pika_params()) as conn:
        conn.channel().queue_declare(queue, durable=True, arguments={"x-queue-type": queue_type})


def _consume_all(queue: str, count: int, done: threading.Event) -> None:
    conn = pika.BlockingConnection(_pika_params())
    channel = conn.channel()
    channel.basic_qos(prefetch_count=500)
    for seen, (method, _props, _body) in enumerate(
        channel.consume(queue, inactivity_timeout=30), start=1
    ):
        if method is None:
            break
        channel.basic_ack(method.delivery_tag)
        if seen == count:
            break
    channel.cancel()
    conn.close()
    done.set()


def _publish_confirm_each(queue: str, count: int) -> None:
    conn = pika.BlockingConnection(_pika_params())
    channel = conn.channel()
    channel.confirm_delivery()
    props = pika.BasicProperties(delivery_mode=2)
    for i in range(count):
        channel.basic_publish("", queue, b'{"n": %d}' % i, props, mandatory=True)
    conn.close()


def _publish_windowed(queue: str, count: int, window: int = 1000) -> None:
    """Asynchronous publisher: at most ``window`` publishes awaiting their confirm."""
    state = {"sent": 0, "acked": 0, "outstanding": set()}
    props = pika.BasicProperties(delivery_mode=2)

    def pump(channel):
        while state["sent"] < count and len(state["outstanding"]) < window:
            channel.basic_publish("", queue, b'{"n": %d}' % state["sent"], props)
            state["sent"] += 1
            state["outstanding"].add(state["sent"])

    def on_confirm(frame):
        tag, multiple = frame.method.delivery_tag, frame.method.multiple
        done = {t for t in state["outstanding"] if t <= tag} if multiple else {tag}
        state["outstanding"] -= done
        state["acked"] += len(done)
        if state["acked"] >= count:
            connection.close()
        else:
            pump(channel_ref[0])

    channel_ref = []

    def on_channel(channel):
        channel_ref.append(channel)
        channel.confirm_delivery(on_confirm)
        pump(channel)

    connection = pika.SelectConnection(
        _pika_params(),
        on_open_callback=lambda c: c.channel(on_open_callback=on_channel),
        on_close_callback=lambda c, _reason: c.ioloop.stop(),
    )
    connection.ioloop.start()


def pika_rate(mode: str, count: int, queue_type: str) -> float:
    queue = f"bench.pika.{mode}.{uuid.uuid4().hex[:6]}"
    _declare(queue, queue_type)
    done = threading.Event()
    consumer = threading.Thread(target=_consume_all, args=(queue, count, done))
    consumer.start()
    started = time.perf_counter()
    (_publish_confirm_each if mode == "confirm-each" else _publish_windowed)(queue, count)
    done.wait(120)
    elapsed = time.perf_counter() - started
    consumer.join()
    with pika.BlockingConnection(_pika_params()) as conn:
        conn.channel().queue_delete(queue)
    return count / elapsed


# -- relais pipeline -----------------------------------------------------------
def _relay(config: ServiceConfig, ready, go, stop) -> None:
    """The producing service's worker: its outbox relay, in a process of its own."""
    connect_database(config)
    relay = probe.relay_for(config)
    relay.batch_size = config.bus.outbox_batch
    ready.set()
    go.wait()
    relay.run(stop)


def relais_rate(uris: dict[str, str], count: int, queue_type: str) -> tuple[float, float]:
    tag = uuid.uuid4().hex[:6]
    bus = BusSettings(
        url=amqp_url(),
        exchange=f"bench.{tag}.events",
        queue_prefix=f"bench.{tag}.",
        queue_type=queue_type,
        outbox_poll_interval=0.01,
        outbox_batch=1000,
        prefetch=200,
    )
    configs = {}
    for service in ("booking", "records"):
        configs[service] = ServiceConfig(
            service=service,
            mongodb_uri=uris[service],
            database=f"bench{tag}_{service}",
            bus=bus,
        )
        connect_database(configs[service])
    probe.prepare()
    # the effect as a batch handler: one bulk write a batch, still once per event
    consumer = probe.consumer_for(configs["records"], handler=probe.record_effects)
    consumer.connect()
    # producing: one atomic insert per document, the event riding in it
    started = time.perf_counter()
    for _ in range(count):
        probe.save_visit()
    produce_rate = count / (time.perf_counter() - started)

    # as deployed: the producer's relay in its own worker process, the consumer in another
    spawn = multiprocessing.get_context("spawn")
    ready, go, relay_stop = spawn.Event(), spawn.Event(), spawn.Event()
    relay = spawn.Process(target=_relay, args=(configs["booking"], ready, go, relay_stop))
    relay.start()
    assert ready.wait(60), "the relay process did not start"
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,))
    thread.start()
    effects = database("records")["probe_effects"]
    started = time.perf_counter()
    go.set()
    finished = wait_until(lambda: effects.estimated_document_count() >= count, 300, 0.1)
    elapsed = time.perf_counter() - started
    stop.set()
    relay_stop.set()
    thread.join(30)
    relay.join(30)
    assert finished, "the pipeline did not deliver every event"
    duplicates = effects.count_documents({"count": {"$gt": 1}})
    assert duplicates == 0, f"{duplicates} events had a second effect"
    with open_connection(bus, heartbeat=0) as conn:
        delete_everything(conn.channel(), bus, ["records"])
    client = database("records").client
    for config in configs.values():
        client.drop_database(config.database)
    return count / elapsed, produce_rate


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--queue-type", default="quorum", choices=["quorum", "classic"])
    args = parser.parse_args(argv)
    n = args.events
    with mongo_uri() as uri:
        relais, produced = relais_rate({"booking": uri, "records": uri}, n, args.queue_type)
    with mongo_uri() as producer_uri, mongo_uri() as consumer_uri:  # a server per service
        apart, _ = relais_rate(
            {"booking": producer_uri, "records": consumer_uri}, n, args.queue_type
        )
    each = pika_rate("confirm-each", min(n, 3000), args.queue_type)
    windowed = pika_rate("windowed", max(n, 20000), args.queue_type)
    print(f"bus benchmark ({args.queue_type} queues, {n} events)")
    print(f"  relais outbox -> RabbitMQ -> idempotent consumer: {relais:8.0f} events/s")
    print(f"     (producing: {produced:.0f} documents+events saved/s, measured apart)")
    print(f"  the same, each service's database on its own server: {apart:5.0f} events/s")
    print(f"  pika publish+consume, confirm each:               {each:8.0f} msg/s")
    print(f"  pika publish+consume, 1,000 unconfirmed window:   {windowed:8.0f} msg/s")
    print(f"  ratio relais / pika confirm-each: {ratio(relais, each)}  (goal >= 0.5)")
    print(f"  ratio relais / pika windowed:     {ratio(relais, windowed)}")
    print(f"  ratio relais (a server per service) / pika confirm-each: {ratio(apart, each)}")


if __name__ == "__main__":
    main()
