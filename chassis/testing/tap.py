"""A test's own queue on the events exchange, to see what really went out; queue depths."""

from __future__ import annotations

import json
import time
import uuid

from kombu import Queue, binding

from chassis.bus.publisher import open_connection
from chassis.bus.topology import declare_exchange, events_exchange
from chassis.config import BusSettings


class Tap:
    def __init__(self, bus: BusSettings, *routing_keys: str):
        self.bus = bus
        self.conn = open_connection(bus, heartbeat=0)
        channel = self.conn.channel()
        declare_exchange(channel, bus)
        exchange = events_exchange(bus)
        self.queue = Queue(
            f"{bus.queue_prefix}tap.{uuid.uuid4().hex[:6]}",
            bindings=[binding(exchange, routing_key=key) for key in routing_keys],
            durable=False,
            auto_delete=False,
        ).bind(channel)
        self.queue.declare()

    def drain(self, expect: int = 0, timeout: float = 10.0, settle: float = 0.5) -> list[dict]:
        """Every envelope received: waits for ``expect`` of them, then ``settle`` for extras."""
        found: list[dict] = []
        deadline = time.monotonic() + timeout
        quiet_until = None
        while True:
            message = self.queue.get(no_ack=True)
            if message is not None:
                found.append(json.loads(message.body))
                quiet_until = None
                continue
            now = time.monotonic()
            if len(found) >= expect:
                quiet_until = quiet_until or now + settle
                if now >= quiet_until:
                    return found
            elif now >= deadline:
                return found
            time.sleep(0.05)

    def close(self) -> None:
        try:
            self.queue.delete()
        finally:
            self.conn.close()


def queue_depth(bus: BusSettings, name: str) -> int:
    """The messages ready in queue ``name`` (the queue must exist)."""
    with open_connection(bus, heartbeat=0) as conn:
        return conn.channel().queue_declare(name, passive=True).message_count
