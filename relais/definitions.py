"""RabbitMQ definitions (exchanges, queues, bindings, policies) from the code's topology.

Each service's worker says what it consumes (its subscription list); this turns
those lists into the definitions file the compose and Kubernetes brokers load,
so the broker's topology and the code cannot drift apart.

Users are not in that file (no secret in the repository): :func:`users` makes
a second definitions file, written by ``relais keygen`` from the deployment's
password, with the user every service connects as, its permissions and a
salted password hash.  The compose broker loads both at boot.  It must: a blank
broker that loads definitions creates no default user (``RABBITMQ_DEFAULT_USER``
is ignored then), so a user the definitions do not carry does not exist.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import os

from chassis.bus.topology import UNROUTED_MAX_LENGTH, queue_names
from chassis.config import BusSettings
from relais.services import SERVICES


def subscriptions(service: str) -> list[str]:
    module = importlib.import_module(f"services.{service}.worker")
    if hasattr(module, "SUBSCRIPTIONS"):
        return sorted(module.SUBSCRIPTIONS)
    from contracts.catalog import catalog

    return sorted(t.type for t in catalog().public())  # the partners' fan-out


def definitions(bus: BusSettings | None = None) -> dict:
    bus = bus or BusSettings()
    quorum = {"x-queue-type": "quorum"}
    queues, bindings = [], []

    def queue(name: str, arguments: dict) -> None:
        queues.append(
            {
                "name": name,
                "vhost": "/",
                "durable": True,
                "auto_delete": False,
                "arguments": arguments,
            }
        )

    for service in SERVICES:
        names = queue_names(bus, service)
        queue(names.main, quorum)
        for delay, name in names.retries:
            queue(
                name,
                {
                    **quorum,
                    "x-message-ttl": round(delay * 1000),
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": names.main,
                    "x-dead-letter-strategy": "at-least-once",
                    "x-overflow": "reject-publish",
                },
            )
        queue(names.dead, quorum)
        for key in subscriptions(service):
            bindings.append(
                {
                    "source": bus.exchange,
                    "vhost": "/",
                    "destination": names.main,
                    "destination_type": "queue",
                    "routing_key": key,
                    "arguments": {},
                }
            )
    unrouted = f"{bus.exchange}.unrouted"
    queue(unrouted, {"x-max-length": UNROUTED_MAX_LENGTH, "x-overflow": "drop-head"})
    bindings.append(
        {
            "source": unrouted,
            "vhost": "/",
            "destination": unrouted,
            "destination_type": "queue",
            "routing_key": "",
            "arguments": {},
        }
    )

    def exchange(name: str, kind: str, arguments: dict | None = None) -> dict:
        return {
            "name": name,
            "vhost": "/",
            "type": kind,
            "durable": True,
            "auto_delete": False,
            "internal": False,
            "arguments": arguments or {},
        }

    return {
        "vhosts": [{"name": "/"}],
        "policies": [
            {
                "vhost": "/",
                "name": "relais-quorum-delivery-limit",
                "apply-to": "queues",
                "pattern": "^(" + "|".join(SERVICES) + ")$",
                "priority": 0,
                "definition": {"delivery-limit": 20},
            }
        ],
        "exchanges": [
            exchange(bus.exchange, "topic", {"alternate-exchange": unrouted}),
            exchange(unrouted, "fanout"),
            exchange(f"{bus.exchange}.partners", "direct"),
        ],
        "queues": queues,
        "bindings": bindings,
    }


BROKER_USER = "relais"


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64(salt + sha256(salt + password))."""
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def users(password: str, user: str = BROKER_USER) -> dict:
    """The broker's users file: the services' user, allowed everything on ``/``.

    Tagged ``administrator`` because the partners service creates and removes its
    partners' broker users through the management API with it.
    """
    return {
        "vhosts": [{"name": "/"}],
        "users": [
            {
                "name": user,
                "password_hash": password_hash(password),
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": ["administrator"],
            }
        ],
        "permissions": [
            {"user": user, "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}
        ],
    }
