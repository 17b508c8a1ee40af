"""Partner use cases: add, list, remove, rotate a password; and the fan-out of public events.

The fan-out consumes every public event once and publishes, for each partner
whose bindings match, a copy with the patient's pseudonym, to the partners
exchange (``<events exchange>.partners``, direct) under the partner's name;
the partner's queue is bound there and nowhere else (see topology.py).

The fan-out reads the partners from the database for every event (a small
indexed read, projected to what it needs), never from a cache: a partner is
saved before ``add`` returns, so every event published after that finds it,
whichever process runs the fan-out.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from datetime import UTC, datetime

from chassis.bus.publisher import ConfirmingPublisher, Outcome, Outgoing, PublishError
from chassis.problems import Conflict, NotFound
from contracts.catalog import catalog
from contracts.envelope import encode
from services.partners import topology
from services.partners.broker_admin import broker_admin
from services.partners.documents import Partner
from services.partners.domain import (
    NAME,
    check_bindings,
    pseudonymise,
    public_view,
    topic_matches,
)
from services.partners.topology import PartnerSettings

__all__ = ["FanOut", "PartnerSettings", "add", "get", "queue_depth", "remove", "rotate_password"]

log = logging.getLogger(__name__)


def _admin(settings: PartnerSettings):
    return broker_admin(settings.admin_settings, vhost=settings.vhost)


def add(settings: PartnerSettings, name: str, bindings: list[str]) -> tuple[Partner, str]:
    """Create the partner; returns it and its broker password (shown once, never stored)."""
    if not NAME.match(name):
        raise Conflict("bad_name", "a partner name is lowercase letters, digits and -")
    check_bindings(bindings, catalog())
    if Partner.objects(id=name).count():
        raise Conflict("partner_exists", f"partner {name} exists")
    password = secrets.token_urlsafe(24)
    admin = _admin(settings)
    user, queue = settings.user(name), settings.queue(name)
    admin.add_user(user, password)
    kind = None
    try:
        # nothing to configure, nothing to publish, read its own queue only
        admin.set_permissions(user, "^$", "^$", f"^{_escape(queue)}$")
        kind = topology.declare_queue(settings, name)
        partner = Partner(
            id=name,
            bindings=bindings,
            pseudonym_key=secrets.token_bytes(32),
            broker_user=user,
            queue=queue,
            created_at=datetime.now(UTC),
        )
        partner.save(force_insert=True)  # from now on the fan-out serves it
    except Exception:
        admin.delete_user(user)
        if kind is not None:
            topology.delete_queue(settings, queue)
        raise
    log.info("partner added", extra={"partner": name, "queue": queue, "queue_type": kind})
    return partner, password


def _escape(text: str) -> str:
    return text.replace(".", r"\.").replace("-", r"\-")


def get(name: str) -> Partner:
    partner = Partner.objects(id=name).first()
    if partner is None:
        raise NotFound("partner", name)
    return partner


def remove(settings: PartnerSettings, name: str) -> None:
    """Delete the partner's user (closing its connections), its queue, then its record;
    the record goes last so that a failed removal can be run again."""
    partner = get(name)
    _admin(settings).delete_user(partner.broker_user)
    topology.delete_queue(settings, partner.queue)
    partner.delete()
    log.info("partner removed", extra={"partner": name})


def rotate_password(settings: PartnerSettings, name: str) -> str:
    partner = get(name)
    password = secrets.token_urlsafe(24)
    _admin(settings).change_password(partner.broker_user, password)
    Partner.objects(id=name).update_one(set__password_rotated_at=datetime.now(UTC))
    return password


def queue_depth(settings: PartnerSettings, partner: Partner) -> int | None:
    return topology.queue_depth(settings, partner.queue)


# -- the fan-out ------------------------------------------------------------------
def _subscribers(event_type: str) -> list[dict]:
    """The partners bound to ``event_type``, as they are in the database now."""
    rows = Partner.objects.only("id", "bindings", "pseudonym_key").as_pymongo()
    return [
        row
        for row in rows
        if any(topic_matches(pattern, event_type) for pattern in row["bindings"])
    ]


class FanOut:
    """The consumer's handler for every public event (one publisher per thread and process)."""

    def __init__(self, settings: PartnerSettings):
        self.settings = settings
        self.local = threading.local()

    def _publisher(self) -> ConfirmingPublisher:
        if getattr(self.local, "pid", None) != os.getpid():
            self.local.publisher = ConfirmingPublisher(self.settings.bus)
            self.local.pid = os.getpid()
        return self.local.publisher

    def __call__(self, event) -> None:
        subscribers = _subscribers(event.type)
        if not subscribers:
            return
        view = public_view(event.envelope)
        messages = [
            Outgoing(
                routing_key=row["_id"],
                exchange=self.settings.exchange,
                body=encode(pseudonymise(view, bytes(row["pseudonym_key"]))),
                message_id=event.id,
                correlation_id=event.correlation_id,
            )
            for row in subscribers
        ]
        outcomes = self._publisher().publish_many(messages)
        for message, outcome in zip(messages, outcomes, strict=True):
            if outcome is Outcome.RETURNED:  # its queue was removed meanwhile: nobody to tell
                continue
            if outcome is not Outcome.CONFIRMED:
                raise PublishError(outcome, message.routing_key)
