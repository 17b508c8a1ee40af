"""What a service could not handle: list it, and put it back on its queue.

``relais deadletters list SERVICE`` peeks (messages stay in the queue);
``relais deadletters replay SERVICE [--id EVENT_ID ...]`` republishes to the
service's main queue with the attempt count reset, waits for the confirm, and
only then removes the dead letter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kombu import Queue

from chassis.bus.consumer import ATTEMPTS, ERROR, FAILED_AT, ROUTING_KEY
from chassis.bus.publisher import ConfirmingPublisher, Outgoing, open_connection
from chassis.bus.topology import queue_names
from chassis.config import BusSettings

REPLAYED = "x-relais-replayed"


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    type: str | None
    routing_key: str
    attempts: int
    error: str
    failed_at: str
    size: int


def _describe(message) -> DeadLetter:
    headers = message.headers or {}
    try:
        type_ = json.loads(message.body).get("type")
    except (ValueError, AttributeError, UnicodeDecodeError):
        type_ = None
    return DeadLetter(
        message_id=(message.properties or {}).get("message_id", ""),
        type=type_,
        routing_key=headers.get(ROUTING_KEY, ""),
        attempts=int(headers.get(ATTEMPTS, 0) or 0),
        error=str(headers.get(ERROR, "")),
        failed_at=str(headers.get(FAILED_AT, "")),
        size=len(message.body or b""),
    )


def _fetch_all(channel, queue: str, limit: int) -> list:
    """Take up to ``limit`` messages unacked (rejecting or closing puts them back)."""
    bound = Queue(queue, no_declare=True).bind(channel)
    messages = []
    while len(messages) < limit:
        message = bound.get(no_ack=False)
        if message is None:
            break
        messages.append(message)
    return messages


def list_dead_letters(bus: BusSettings, service: str, limit: int = 1000) -> list[DeadLetter]:
    conn = open_connection(bus, heartbeat=0)
    try:
        channel = conn.channel()
        messages = _fetch_all(channel, queue_names(bus, service).dead, limit)
        found = [_describe(m) for m in messages]
        for message in messages:
            message.reject(requeue=True)
        return found
    finally:
        conn.close()


def replay(bus: BusSettings, service: str, ids: set[str] | None = None, limit: int = 10000) -> int:
    """Move dead letters (all, or those whose message id is in ``ids``) back; returns the count."""
    names = queue_names(bus, service)
    publisher = ConfirmingPublisher(bus)
    conn = open_connection(bus, heartbeat=0)
    replayed = 0
    try:
        channel = conn.channel()
        messages = _fetch_all(channel, names.dead, limit)
        for message in messages:
            props = message.properties or {}
            if ids is not None and props.get("message_id") not in ids:
                message.reject(requeue=True)
                continue
            headers = {
                k: v for k, v in (message.headers or {}).items() if not k.startswith("x-relais")
            }
            headers[REPLAYED] = True
            publisher.publish(
                Outgoing(
                    routing_key=names.main,
                    exchange="",
                    body=message.body,
                    message_id=props.get("message_id", ""),
                    correlation_id=props.get("correlation_id"),
                    headers=headers,
                    content_type=message.content_type or "application/octet-stream",
                )
            )
            message.ack()
            replayed += 1
        return replayed
    finally:
        publisher.close()
        conn.close()
