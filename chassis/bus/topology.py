"""Names and declarations of everything a service needs on the broker.

    relais.events              durable topic exchange, alternate exchange below
    relais.events.unrouted     fanout exchange + bounded queue: events nobody is bound to
    <service>                  the service's durable queue, bound to what it handles
    <service>.retry.<ms>ms     wait queues: TTL, then dead-lettered back to <service>
    <service>.dlq              dead letters, for an operator to inspect and replay

Every name takes ``queue_prefix`` and the configured exchange, so tests run on
names of their own.  Queues are quorum queues unless ``RELAIS_QUEUE_TYPE=classic``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kombu import Exchange, Queue, binding

from chassis.config import BusSettings

UNROUTED_MAX_LENGTH = 100_000


@dataclass(frozen=True)
class ServiceQueues:
    main: str
    retries: tuple[tuple[float, str], ...]
    dead: str

    def retry_queue(self, attempt: int) -> tuple[float, str]:
        """The wait queue for the ``attempt``-th failure (1-based); the last one repeats."""
        return self.retries[min(attempt, len(self.retries)) - 1]


def queue_names(bus: BusSettings, service: str) -> ServiceQueues:
    main = f"{bus.queue_prefix}{service}"
    retries = tuple((d, f"{main}.retry.{round(d * 1000)}ms") for d in bus.retry_delays)
    return ServiceQueues(main=main, retries=retries, dead=f"{main}.dlq")


def events_exchange(bus: BusSettings) -> Exchange:
    return Exchange(
        bus.exchange,
        type="topic",
        durable=True,
        arguments={"alternate-exchange": f"{bus.exchange}.unrouted"},
    )


def _type_arguments(bus: BusSettings) -> dict:
    return {"x-queue-type": "quorum"} if bus.queue_type == "quorum" else {}


def _unrouted(bus: BusSettings) -> tuple[Exchange, Queue]:
    exchange = Exchange(f"{bus.exchange}.unrouted", type="fanout", durable=True)
    queue = Queue(
        f"{bus.exchange}.unrouted",
        exchange=exchange,
        durable=True,
        queue_arguments={"x-max-length": UNROUTED_MAX_LENGTH, "x-overflow": "drop-head"},
    )
    return exchange, queue


def service_queues(
    bus: BusSettings, service: str, routing_keys: Iterable[str]
) -> tuple[Queue, list[Queue], Queue]:
    names = queue_names(bus, service)
    exchange = events_exchange(bus)
    main = Queue(
        names.main,
        bindings=[binding(exchange, routing_key=key) for key in sorted(set(routing_keys))],
        durable=True,
        queue_arguments=_type_arguments(bus),
    )
    retries = []
    for delay, name in names.retries:
        arguments = {
            **_type_arguments(bus),
            "x-message-ttl": round(delay * 1000),
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": names.main,
        }
        if bus.queue_type == "quorum":
            arguments |= {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}
        retries.append(Queue(name, durable=True, queue_arguments=arguments))
    dead = Queue(names.dead, durable=True, queue_arguments=_type_arguments(bus))
    return main, retries, dead


def declare_exchange(channel, bus: BusSettings) -> None:
    unrouted_exchange, unrouted_queue = _unrouted(bus)
    unrouted_exchange.bind(channel).declare()
    unrouted_queue.bind(channel).declare()
    events_exchange(bus).bind(channel).declare()


def declare_service(channel, bus: BusSettings, service: str, routing_keys: Iterable[str]) -> Queue:
    """Declare the exchange and the service's queues; returns the main queue."""
    declare_exchange(channel, bus)
    main, retries, dead = service_queues(bus, service, routing_keys)
    for queue in (main, *retries, dead):
        queue.bind(channel).declare()
    return main


def delete_everything(channel, bus: BusSettings, services: Iterable[str]) -> None:
    """Tear down a (test) topology: every queue and exchange under these names."""
    for service in services:
        names = queue_names(bus, service)
        for name in (names.main, *(n for _, n in names.retries), names.dead):
            channel.queue_delete(name)
    channel.queue_delete(f"{bus.exchange}.unrouted")
    channel.exchange_delete(bus.exchange)
    channel.exchange_delete(f"{bus.exchange}.unrouted")
