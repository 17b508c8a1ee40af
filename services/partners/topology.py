"""A partner's place on the broker: names, vhost, and its queue.

    <events exchange>.partners   direct exchange; the fan-out publishes each partner's
                                 copy there with the partner's name as routing key
    partner.<name>               the partner's durable queue, bound there under <name>
                                 and nowhere else (quorum when the broker has them)
    partner.<name> (user)        may read that queue and nothing else

Everything lives on the vhost ``AMQP_URL`` names (``/`` when it names none).
Whether quorum queues exist is asked of the broker itself (its server
properties, read on connect), not assumed from ``RELAIS_QUEUE_TYPE``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from kombu import Exchange, Queue

from chassis.bus.publisher import open_connection
from chassis.bus.topology import _type_arguments
from chassis.config import BusSettings
from services.partners.broker_admin import vhost_of

log = logging.getLogger(__name__)

QUORUM_SINCE = (3, 8)  # RabbitMQ 3.8.0 brought quorum queues


class PartnerSettings:
    """Where partners' messages go, from the service config."""

    def __init__(self, bus: BusSettings, admin_settings: dict):
        self.bus = bus
        self.admin_settings = admin_settings

    @property
    def exchange(self) -> str:
        return f"{self.bus.exchange}.partners"

    @property
    def vhost(self) -> str:
        return vhost_of(self.bus.url)

    def queue(self, name: str) -> str:
        return f"{self.bus.queue_prefix}partner.{name}"

    def user(self, name: str) -> str:
        return f"{self.bus.queue_prefix}partner.{name}"


@dataclass(frozen=True)
class BrokerServer:
    """What the broker says about itself when a connection opens."""

    product: str
    version: str

    @classmethod
    def from_properties(cls, properties: dict) -> BrokerServer:
        def text(key: str) -> str:
            value = properties.get(key) or ""
            return value.decode() if isinstance(value, bytes) else str(value)

        return cls(product=text("product"), version=text("version"))

    @property
    def supports_quorum_queues(self) -> bool:
        numbers = re.match(r"(\d+)\.(\d+)", self.version)
        if self.product != "RabbitMQ" or numbers is None:
            return False
        return (int(numbers[1]), int(numbers[2])) >= QUORUM_SINCE


def _server(conn) -> BrokerServer:
    """Connect ``conn`` and read what the broker says about itself."""
    conn.connect()
    return BrokerServer.from_properties(conn.connection.server_properties)


def broker_server(bus: BusSettings) -> BrokerServer:
    with open_connection(bus, heartbeat=0) as conn:
        return _server(conn)


def queue_type(server: BrokerServer, configured: str) -> str:
    """Quorum when the broker has them, unless the operator asked for classic queues."""
    if configured == "classic":
        return "classic"
    if not server.supports_quorum_queues:
        if configured == "quorum":
            log.warning(
                "the broker has no quorum queues: partner queues are classic",
                extra={"product": server.product, "version": server.version},
            )
        return "classic"
    return "quorum"


def _exchange(settings: PartnerSettings) -> Exchange:
    return Exchange(settings.exchange, type="direct", durable=True)


def declare_queue(settings: PartnerSettings, name: str) -> str:
    """Declare the partners exchange and partner ``name``'s queue; returns the queue type."""
    with open_connection(settings.bus, heartbeat=0) as conn:
        kind = queue_type(_server(conn), settings.bus.queue_type)
        channel = conn.channel()
        _exchange(settings).bind(channel).declare()
        Queue(
            settings.queue(name),
            exchange=_exchange(settings),
            routing_key=name,
            durable=True,
            queue_arguments=_type_arguments(replace(settings.bus, queue_type=kind)),
        ).bind(channel).declare()
    return kind


def delete_queue(settings: PartnerSettings, queue: str) -> None:
    """Delete a partner's queue, messages and all (deleting a missing queue is fine)."""
    with open_connection(settings.bus, heartbeat=0) as conn:
        conn.channel().queue_delete(queue)


def queue_depth(settings: PartnerSettings, queue: str) -> int | None:
    try:
        with open_connection(settings.bus, heartbeat=0) as conn:
            return conn.channel().queue_declare(queue, passive=True).message_count
    except Exception:
        return None
