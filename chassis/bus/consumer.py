"""The consuming side of a service: decode, deduplicate, handle, then ack.

Messages are drained in small batches (up to the prefetch count): for each
batch the already-processed event ids are looked up once, each new event is
handled, the processed ids are stored, and only then are the messages acked.
A handler marked with :func:`batch_handler` gets consecutive events of its
batch in one call (one database write for all of them).
A handler that raises sends its message to a wait queue (TTL, then back to the
main queue); after ``max_attempts`` it goes to the dead-letter queue, and
later messages keep flowing meanwhile.  A message that is not a valid event
(bad JSON, bad envelope, unknown type) is dead-lettered at once: kombu's
default of acking undecodable messages is not used (we decode ourselves).

The loop reconnects by itself after a broker restart; unacked messages are
redelivered by the broker and the processed-event record absorbs them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from kombu import Consumer

from chassis import context
from chassis.bus.publisher import ConfirmingPublisher, Outgoing, open_connection
from chassis.bus.topology import declare_service, queue_names
from chassis.config import BusSettings
from chassis.idempotency import ProcessedEvents
from chassis.metrics import EVENTS_CONSUMED
from contracts.envelope import Event, InvalidEnvelope, parse
from contracts.registry import Registry

log = logging.getLogger(__name__)

Handler = Callable[[Event], None]


def batch_handler(function=None, *, records_events: bool = False):
    """Mark a handler that takes a list of events: one write for a whole batch.

    Its effects must be idempotent per event (e.g. :func:`chassis.idempotency.apply_many`):
    when a batch fails, its events are handled again one by one, each with its own
    retries and dead letter, so a poison event holds up no other.
    ``records_events=True``: its writes store each event's id with its effect (as
    ``apply_many`` does), so the consumer writes no processed-events record for it:
    one write a batch instead of two.
    """

    def mark(handler):
        handler.batch = True
        handler.records_events = records_events
        return handler

    return mark(function) if function is not None else mark


ATTEMPTS = "x-relais-attempts"
ERROR = "x-relais-error"
FAILED_QUEUE = "x-relais-queue"
FAILED_AT = "x-relais-failed-at"
ROUTING_KEY = "x-relais-routing-key"


class PermanentError(Exception):
    """Raised by a handler when retrying cannot help: dead-letter at once."""


def _attempts(message) -> int:
    try:
        return int((message.headers or {}).get(ATTEMPTS, 0))
    except (TypeError, ValueError):
        return 0


def _routing_key(message) -> str:
    headers = message.headers or {}
    return headers.get(ROUTING_KEY) or message.delivery_info.get("routing_key", "")


class EventConsumer:
    def __init__(
        self,
        bus: BusSettings,
        service: str,
        handlers: dict[str, Handler],
        registry: Registry,
        processed: ProcessedEvents,
    ):
        self.bus = bus
        self.service = service
        self.handlers = handlers
        self.registry = registry
        self.processed = processed
        self.names = queue_names(bus, service)
        self.publisher = ConfirmingPublisher(bus)
        self._conn = None
        self._consumer = None
        self._buffer: list = []

    # -- connection ---------------------------------------------------------
    def connect(self) -> None:
        if self._consumer is not None:
            return
        self._conn = open_connection(self.bus)
        self._conn.ensure_connection(max_retries=1, timeout=5)
        channel = self._conn.channel()
        main = declare_service(channel, self.bus, self.service, self.handlers)
        self._consumer = Consumer(
            channel,
            queues=[main],
            on_message=self._buffer.append,
            prefetch_count=self.bus.prefetch,
            no_ack=False,
        )
        self._consumer.consume()
        log.info("consuming", extra={"queue": self.names.main, "types": sorted(self.handlers)})

    def close(self) -> None:
        self._buffer.clear()  # unacked: the broker redelivers them
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                self._conn.collect()
        self._conn = self._consumer = None
        self.publisher.close()

    # -- the loop -----------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            try:
                self.connect()
                self.drain(timeout=0.5)
                backoff = 0.5
            except Exception as exc:
                log.warning(
                    "consumer lost its connection; reconnecting",
                    extra={"error": type(exc).__name__, "detail": str(exc)[:200]},
                )
                self.close()
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
        self.close()

    def drain(self, timeout: float = 0.5) -> int:
        """Wait up to ``timeout`` for messages, handle one batch; returns its size."""
        conn = self._conn
        try:
            conn.drain_events(timeout=timeout)
            while len(self._buffer) < self.bus.prefetch:
                conn.drain_events(timeout=0.005)
        except TimeoutError:
            pass
        conn.heartbeat_check()
        self.publisher.heartbeat()
        batch, self._buffer[:] = list(self._buffer), []
        if batch:
            self.handle_batch(batch)
        return len(batch)

    # -- handling -----------------------------------------------------------
    def handle_batch(self, messages: list) -> None:
        decoded = []
        for message in messages:
            try:
                event = parse(message.body, self.registry)
                if event.type not in self.handlers:
                    raise InvalidEnvelope(f"{self.service} has no handler for {event.type}")
            except InvalidEnvelope as exc:
                self._dead_letter(message, f"undecodable: {exc}", _attempts(message))
                EVENTS_CONSUMED.labels(self.service, "unknown", "undecodable").inc()
                continue
            decoded.append((message, event))

        seen = self.processed.seen({event.id for _, event in decoded})
        fresh: list[tuple[object, Event]] = []
        duplicates = []
        for message, event in decoded:
            if event.id in seen:
                duplicates.append(message)
                EVENTS_CONSUMED.labels(self.service, event.type, "duplicate").inc()
                continue
            seen.add(event.id)
            fresh.append((message, event))
        done = self._handle_all(fresh)
        if done:
            unrecorded = [
                e for _, e in done if not getattr(self.handlers[e.type], "records_events", False)
            ]
            if unrecorded:
                self.processed.mark(unrecorded)
            for _, event in done:
                EVENTS_CONSUMED.labels(self.service, event.type, "handled").inc()
        self._ack([message for message, _ in done] + duplicates)

    def _ack(self, messages: list) -> None:
        """Every other message of the batch is settled already (retried or dead-lettered,
        then acked): one ack with ``multiple`` settles these at once on a real broker."""
        if not messages:
            return
        if self.bus.in_memory:  # kombu's in-process transport acks one tag at a time
            for message in messages:
                message.ack()
            return
        max(messages, key=lambda m: m.delivery_tag).ack(multiple=True)

    def _handle_all(self, fresh: list[tuple[object, Event]]) -> list[tuple[object, Event]]:
        """Handle in arrival order; consecutive events for one batch handler go together."""
        done, start = [], 0
        while start < len(fresh):
            handler = self.handlers[fresh[start][1].type]
            batch = getattr(handler, "batch", False)
            end = start + 1
            while batch and end < len(fresh) and self.handlers[fresh[end][1].type] is handler:
                end += 1
            run = fresh[start:end]
            if len(run) > 1 and self._handle_run(handler, run):
                done += run
            else:  # one event, or a batch that failed: each alone, with its own retries
                call = (lambda event, h=handler: h([event])) if batch else handler
                done += [(m, e) for m, e in run if self._handle(m, e, call)]
            start = end
        return done

    def _handle_run(self, handler, run) -> bool:
        try:
            with context.bound(correlation=run[0][1].correlation_id or run[0][1].id):
                handler([event for _, event in run])
            return True
        except Exception as exc:
            log.warning(
                "batch handler failed; handling its events one by one",
                extra={"events": len(run), "error": type(exc).__name__},
            )
            return False

    def _handle(self, message, event: Event, call) -> bool:
        try:
            with context.bound(correlation=event.correlation_id or event.id):
                call(event)
            return True
        except PermanentError as exc:
            self._dead_letter(message, f"permanent: {exc}", _attempts(message) + 1)
        except Exception as exc:
            self._retry_or_dead_letter(message, event, exc)
        return False

    def _retry_or_dead_letter(self, message, event: Event, exc: Exception) -> None:
        attempts = _attempts(message) + 1
        reason = f"{type(exc).__name__}: {exc}"[:500]
        if attempts >= self.bus.max_attempts:
            log.error(
                "event dead-lettered after retries",
                extra={"event_id": event.id, "type": event.type, "attempts": attempts},
            )
            self._dead_letter(message, reason, attempts)
            EVENTS_CONSUMED.labels(self.service, event.type, "dead_lettered").inc()
            return
        delay, retry_queue = self.names.retry_queue(attempts)
        log.warning(
            "event handler failed; retrying later",
            extra={"event_id": event.id, "type": event.type, "attempts": attempts, "delay": delay},
        )
        headers = {**(message.headers or {}), ATTEMPTS: attempts, ERROR: reason}
        headers[ROUTING_KEY] = _routing_key(message)
        if self.bus.in_memory:
            _later(delay, self.bus, self._copy(message, self.names.main, headers))
        else:
            self.publisher.publish(self._copy(message, retry_queue, headers))
        message.ack()
        EVENTS_CONSUMED.labels(self.service, event.type, "retried").inc()

    def _dead_letter(self, message, reason: str, attempts: int) -> None:
        headers = {
            **(message.headers or {}),
            ATTEMPTS: attempts,
            ERROR: reason[:500],
            FAILED_QUEUE: self.names.main,
            FAILED_AT: datetime.now(UTC).isoformat(),
            ROUTING_KEY: _routing_key(message),
        }
        self.publisher.publish(self._copy(message, self.names.dead, headers))
        message.ack()

    @staticmethod
    def _copy(message, queue: str, headers: dict) -> Outgoing:
        props = message.properties or {}
        return Outgoing(
            routing_key=queue,
            exchange="",
            body=message.body,
            message_id=props.get("message_id") or "",
            correlation_id=props.get("correlation_id"),
            headers=headers,
            content_type=message.content_type or "application/octet-stream",
        )


def _later(delay: float, bus: BusSettings, outgoing: Outgoing) -> None:
    """In-process transport has no TTL queues: wait in a timer thread instead."""

    def fire():
        publisher = ConfirmingPublisher(bus)
        try:
            publisher.publish(outgoing)
        finally:
            publisher.close()

    timer = threading.Timer(delay, fire)
    timer.daemon = True
    timer.start()
