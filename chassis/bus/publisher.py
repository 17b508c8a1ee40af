"""Publishing that is never silent: confirms, ``mandatory``, persistent messages.

:class:`ConfirmingPublisher` puts a channel in confirm mode and publishes a
whole batch before waiting, then matches the broker's ``basic.ack`` /
``basic.nack`` (possibly ``multiple``) and ``basic.return`` to each message.
Every message gets an :class:`Outcome`: confirmed, returned (unroutable),
nacked, or unconfirmed (timeout or lost connection).  Only ``confirmed`` means
the broker took responsibility for it.

In embedded mode (``memory://``) kombu's in-process transport hands messages
over synchronously, so each publish is confirmed when the call returns.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from enum import Enum

import amqp
from kombu import Connection, Producer

from chassis.config import BusSettings
from contracts.envelope import CONTENT_TYPE

log = logging.getLogger(__name__)


class Outcome(Enum):
    CONFIRMED = "confirmed"
    RETURNED = "returned"  # unroutable with mandatory
    NACKED = "nacked"
    UNCONFIRMED = "unconfirmed"  # timeout or connection lost before the confirm


class PublishError(RuntimeError):
    def __init__(self, outcome: Outcome, detail: str = ""):
        super().__init__(f"publish {outcome.value}: {detail}".rstrip(": "))
        self.outcome = outcome


@dataclass
class Outgoing:
    routing_key: str
    body: bytes
    message_id: str
    headers: dict = field(default_factory=dict)
    exchange: str | None = None  # None: the events exchange; "": straight to a queue
    correlation_id: str | None = None
    content_type: str = CONTENT_TYPE


def open_connection(bus: BusSettings, heartbeat: int | None = None) -> Connection:
    options = {"polling_interval": 0.02} if bus.in_memory else {}
    return Connection(
        bus.url,
        heartbeat=bus.heartbeat if heartbeat is None else heartbeat,
        connect_timeout=5,
        transport_options=options,
    )


class ConfirmingPublisher:
    """One connection and one confirm-mode channel, opened lazily in this process."""

    def __init__(self, bus: BusSettings):
        self.bus = bus
        self._conn: Connection | None = None
        self._channel = None
        self._pid: int | None = None
        self._tag = 0
        self._pending: dict[int, int] = {}  # delivery tag -> index in batch
        self._outcomes: list[Outcome] = []
        self._returned: set[str] = set()
        self._ids: list[str] = []

    # -- connection ---------------------------------------------------------
    def _ensure(self):
        if self._channel is not None and self._pid == os.getpid():
            return
        self.close()
        self._conn = open_connection(self.bus)
        self._conn.ensure_connection(max_retries=1, timeout=5)
        self._pid = os.getpid()
        channel = self._conn.channel()
        if not self.bus.in_memory:
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
        self._channel = channel
        self._tag = 0

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # closing a dead connection may raise anything
                self._conn.collect()
        self._conn = self._channel = None

    def heartbeat(self) -> None:
        """Keep an idle connection alive (call from the owning thread's loop)."""
        if self._conn is not None and not self.bus.in_memory:
            try:
                self._conn.heartbeat_check()
            except Exception:
                log.warning("publisher connection lost during heartbeat", exc_info=True)
                self.close()

    # -- confirms -----------------------------------------------------------
    def _settle(self, delivery_tag: int, multiple: bool, outcome: Outcome) -> None:
        tags = [t for t in self._pending if t <= delivery_tag] if multiple else [delivery_tag]
        for tag in tags:
            index = self._pending.pop(tag, None)
            if index is None:
                continue
            if outcome is Outcome.CONFIRMED and self._ids[index] in self._returned:
                self._outcomes[index] = Outcome.RETURNED
            else:
                self._outcomes[index] = outcome

    def _on_ack(self, delivery_tag, multiple):
        self._settle(delivery_tag, multiple, Outcome.CONFIRMED)

    def _on_nack(self, delivery_tag, multiple):
        self._settle(delivery_tag, multiple, Outcome.NACKED)

    def _on_return(self, exc, exchange, routing_key, message):
        message_id = message.properties.get("message_id")
        if message_id:
            self._returned.add(message_id)
        log.error(
            "event unroutable",
            extra={"exchange": exchange, "routing_key": routing_key, "reply": str(exc)},
        )

    # -- publishing ---------------------------------------------------------
    def publish_many(self, messages: list[Outgoing]) -> list[Outcome]:
        """Publish a batch and wait for every confirm; one outcome per message, in order."""
        if not messages:
            return []
        try:
            self._ensure()
        except Exception as exc:
            log.warning("broker unreachable for publishing", extra={"error": type(exc).__name__})
            self.close()
            return [Outcome.UNCONFIRMED] * len(messages)
        if self.bus.in_memory:
            return self._publish_memory(messages)
        return self._publish_confirmed(messages)

    def publish(self, message: Outgoing) -> None:
        (outcome,) = self.publish_many([message])
        if outcome is not Outcome.CONFIRMED:
            raise PublishError(outcome, message.routing_key)

    def _exchange(self, message: Outgoing) -> str:
        return self.bus.exchange if message.exchange is None else message.exchange

    def _publish_memory(self, messages: list[Outgoing]) -> list[Outcome]:
        producer = Producer(self._channel)
        for message in messages:
            producer.publish(
                message.body,
                exchange=self._exchange(message),
                routing_key=message.routing_key,
                headers=message.headers,
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                content_type=message.content_type,
                content_encoding="utf-8",
                delivery_mode=2,
            )
        return [Outcome.CONFIRMED] * len(messages)

    def _publish_confirmed(self, messages: list[Outgoing]) -> list[Outcome]:
        self._outcomes = [Outcome.UNCONFIRMED] * len(messages)
        self._ids = [m.message_id for m in messages]
        self._returned = set()
        self._pending = {}
        deadline = time.monotonic() + self.bus.publish_timeout
        try:
            for index, message in enumerate(messages):
                amqp_message = amqp.Message(
                    message.body,
                    content_type=message.content_type,
                    content_encoding="utf-8",
                    delivery_mode=2,
                    message_id=message.message_id,
                    correlation_id=message.correlation_id or "",
                    application_headers=message.headers,
                    timestamp=int(time.time()),
                )
                self._channel.basic_publish(
                    amqp_message,
                    exchange=self._exchange(message),
                    routing_key=message.routing_key,
                    mandatory=True,
                    timeout=self.bus.publish_timeout,
                )
                self._tag += 1
                self._pending[self._tag] = index
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("publisher confirms did not arrive in time")
                self._conn.drain_events(timeout=remaining)
        except (TimeoutError, OSError, *self._errors()) as exc:
            log.warning(
                "publishing interrupted",
                extra={"error": type(exc).__name__, "unconfirmed": len(self._pending)},
            )
            self.close()  # confirms of a broken channel can never arrive: start afresh
        return list(self._outcomes)

    def _errors(self) -> tuple[type[BaseException], ...]:
        conn = self._conn
        if conn is None:
            return (amqp.exceptions.AMQPError,)
        return (*conn.connection_errors, *conn.channel_errors)
