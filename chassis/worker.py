"""A service's worker: its event consumer and its outbox relay, as two threads.

One per process, started after any fork, so every AMQP connection belongs to
the process that uses it.  ``run_forever`` stops cleanly on SIGTERM / SIGINT.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable

from mongoengine import Document

from chassis.bus.consumer import EventConsumer, Handler
from chassis.bus.publisher import ConfirmingPublisher
from chassis.config import ServiceConfig
from chassis.db import database
from chassis.idempotency import MongoProcessedEvents
from chassis.outbox import OutboxRelay
from contracts.catalog import catalog
from contracts.registry import Registry

log = logging.getLogger(__name__)


def _every(seconds: float, task: Callable[[], object]) -> Callable[[threading.Event], None]:
    """A loop running ``task`` now and then every ``seconds``, until stopped."""

    def loop(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                task()
            except Exception:
                log.exception("periodic task failed", extra={"task": task.__name__})
            stop.wait(seconds)

    return loop


def _touch(path: str) -> Callable[[], None]:
    def heartbeat() -> None:
        with open(path, "a"):
            os.utime(path)

    return heartbeat


class ServiceWorker:
    def __init__(
        self,
        config: ServiceConfig,
        *,
        handlers: dict[str, Handler],
        outbox_documents: Iterable[type[Document]],
        registry: Registry | None = None,
        periodic: Iterable[tuple[float, Callable[[], object]]] = (),
    ):
        self.config = config
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        documents = list(outbox_documents)
        self.relay = OutboxRelay(
            config.service,
            lambda: [doc._get_collection() for doc in documents],
            ConfirmingPublisher(config.bus),
            batch_size=config.bus.outbox_batch,
            poll_interval=config.bus.outbox_poll_interval,
        )
        self.periodic = list(periodic)
        heartbeat = config.setting("RELAIS_HEARTBEAT_FILE", "")
        if heartbeat:  # for container health checks: the worker's loops are alive
            self.periodic.append((10.0, _touch(heartbeat)))
        self.consumer = None
        if handlers:
            self.consumer = EventConsumer(
                config.bus,
                config.service,
                handlers,
                registry or catalog(),
                MongoProcessedEvents(database(config.service)),
            )

    def start(self) -> None:
        targets = [("relay", self.relay.run)]
        if self.consumer is not None:
            targets.append(("consumer", self.consumer.run))
        for every, task in self.periodic:
            targets.append((task.__name__, _every(every, task)))
        for role, target in targets:
            thread = threading.Thread(
                target=target,
                args=(self.stop_event,),
                name=f"{self.config.service}-{role}",
                daemon=True,
            )
            thread.start()
            self.threads.append(thread)
        log.info("worker started", extra={"worker": self.config.service})

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout)
        self.threads.clear()

    def run_forever(self) -> None:
        def _stop(_signum, _frame):
            self.stop_event.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.start()
        self.stop_event.wait()
        self.stop()
