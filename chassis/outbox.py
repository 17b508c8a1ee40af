"""The outbox: a change and the events announcing it, in one atomic write.

Pending events ride in the changed document itself, in its ``outbox`` array, so
the single-document write that changes state also records what must be
announced (MongoDB makes one document's write atomic; no transaction needed).
Write them with :func:`push` (the operators of an update) or, on insert, with
:meth:`OutboxDocument.announce`.

``outbox_due`` is a scalar, sparsely indexed copy of "the earliest pending
event is due at": the relay's query ranges over it rather than over the array
(a range query on a multikey index costs SecantusDB time proportional to the
whole collection).  It is set with ``$min`` when events are added and unset by
the relay when it empties the outbox.

The :class:`OutboxRelay` finds documents with due events, publishes them in a
batch with publisher confirms, and ``$pull``s each confirmed one.  An event the
broker did not confirm stays, with a later ``next_at``; during a broker outage
everything stays pending and goes out after recovery.  Two relays over the same
collections may both publish an event: consumers are idempotent.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from mongoengine import DateTimeField, DictField, Document, ListField
from pymongo import UpdateOne
from pymongo.collection import Collection

from chassis import context
from chassis.bus.publisher import ConfirmingPublisher, Outcome, Outgoing, PublishError
from chassis.metrics import EVENTS_PUBLISH_FAILED, EVENTS_PUBLISHED, OUTBOX_PENDING
from contracts.envelope import build, encode
from contracts.registry import Registry

log = logging.getLogger(__name__)

_wakeups: dict[str, threading.Event] = defaultdict(threading.Event)


class OutboxDocument(Document):
    """Base for documents whose changes announce events."""

    outbox = ListField(DictField(), default=list)
    outbox_due = DateTimeField()
    meta = {"abstract": True, "indexes": [{"fields": ["outbox_due"], "sparse": True}]}

    def announce(self, *entries: dict) -> None:
        """Before inserting: the new document carries these pending events."""
        self.outbox = [*self.outbox, *entries]
        self.outbox_due = min(e["next_at"] for e in self.outbox)


def entry(envelope: dict) -> dict:
    return {
        "id": envelope["id"],
        "type": envelope["type"],
        "next_at": datetime.now(UTC),
        "attempts": 0,
        "envelope": envelope,
    }


def event(
    registry: Registry,
    type_: str,
    data: dict,
    subject: str | None = None,
    trusted: bool = False,
    event_id: str | None = None,
) -> dict:
    """An outbox entry for a new event, correlated with the current request or event.

    ``event_id`` fixes the event's id (a new one by default).
    """
    correlation = context.current_correlation_id()
    return entry(
        build(
            registry,
            type_,
            data,
            subject=subject,
            correlation_id=correlation,
            event_id=event_id,
            trusted=trusted,
        )
    )


def push(*entries: dict) -> dict:
    """The operators of an update that records these pending events (merge with yours)."""
    return {
        "$push": {"outbox": {"$each": list(entries)}},
        "$min": {"outbox_due": min(e["next_at"] for e in entries)},
    }


def with_events(update: dict, *entries: dict) -> dict:
    """``update`` with these pending events merged in, its own ``$push`` and ``$min`` kept
    (a change and its events in one write)."""
    if not entries:
        return update
    pushed = push(*entries)
    return {
        **update,
        "$push": {**update.get("$push", {}), **pushed["$push"]},
        "$min": {**update.get("$min", {}), **pushed["$min"]},
    }


def notify(service: str) -> None:
    """Wake this process's relay for ``service`` (other processes poll)."""
    _wakeups[service].set()


class OutboxRelay:
    def __init__(
        self,
        service: str,
        collections: Callable[[], Iterable[Collection]],
        publisher: ConfirmingPublisher,
        batch_size: int = 500,
        poll_interval: float = 0.2,
        max_backoff: float = 300.0,
    ):
        self.service = service
        self.collections = collections
        self.publisher = publisher
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self._seen: dict[tuple, list[str]] = {}  # the outbox ids each document held

    def due(self, now: datetime) -> list[tuple[Collection, object, dict]]:
        found = []
        for collection in self.collections():
            cursor = collection.find(
                {"outbox_due": {"$lte": now}}, {"outbox": 1}, limit=self.batch_size
            )
            for doc in cursor:
                entries = doc.get("outbox") or []
                self._seen[(collection.full_name, doc["_id"])] = [e["id"] for e in entries]
                for pending in entries:
                    if _aware(pending["next_at"]) <= now:
                        found.append((collection, doc["_id"], pending))
        return found

    def relay_once(self) -> int:
        """One pass: publish what is due; returns how many events were confirmed.

        Raises :class:`PublishError` after recording what was confirmed when the
        broker could not confirm some events (outage): they stay due as they are.
        """
        now = datetime.now(UTC)
        self._seen = {}
        due = self.due(now)
        OUTBOX_PENDING.labels(self.service).set(len(due))
        if not due:
            return 0
        outcomes = self.publisher.publish_many([_outgoing(p) for _, _, p in due])
        confirmed: dict[tuple, list] = defaultdict(list)
        refused: dict[tuple, list] = defaultdict(list)
        unconfirmed = 0
        for (collection, doc_id, pending), outcome in zip(due, outcomes, strict=True):
            key = (collection.full_name, doc_id)
            if outcome is Outcome.CONFIRMED:
                confirmed[key].append(pending["id"])
                EVENTS_PUBLISHED.labels(self.service, pending["type"]).inc()
                continue
            EVENTS_PUBLISH_FAILED.labels(self.service, outcome.value).inc()
            if outcome is Outcome.UNCONFIRMED:
                unconfirmed += 1
            else:  # returned or nacked: this event's problem, so it alone waits longer
                refused[key].append(pending)
        self._record(due, now, confirmed, refused)
        if unconfirmed:
            raise PublishError(Outcome.UNCONFIRMED, f"{unconfirmed} event(s) stay pending")
        return sum(len(ids) for ids in confirmed.values())

    def _record(self, due, now: datetime, confirmed: dict, refused: dict) -> None:
        by_name = {c.full_name: c for c, _, _ in due}
        whole: dict[str, list] = defaultdict(list)  # the outbox held exactly these
        partial: dict[str, list] = defaultdict(list)
        for key, ids in confirmed.items():
            seen = self._seen.get(key, [])
            exact = key not in refused and sorted(seen) == sorted(ids)
            (whole if exact else partial)[key[0]].append((key[1], ids))
        for name, items in whole.items():
            # empty the outbox and clear outbox_due in one write, unless an event was
            # added meanwhile (then the size or the ids differ and nothing matches)
            result = by_name[name].bulk_write(
                [
                    UpdateOne(
                        {"_id": doc_id, "outbox": {"$size": len(ids)}, "outbox.id": {"$all": ids}},
                        {"$pull": {"outbox": {"id": {"$in": ids}}}, "$unset": {"outbox_due": ""}},
                    )
                    for doc_id, ids in items
                ],
                ordered=False,
            )
            if result.matched_count < len(items):
                partial[name].extend(items)  # a plain $pull is harmless where done already
        for name, items in partial.items():
            by_name[name].bulk_write(
                [
                    UpdateOne({"_id": doc_id}, {"$pull": {"outbox": {"id": {"$in": ids}}}})
                    for doc_id, ids in items
                ],
                ordered=False,
            )
        for (name, doc_id), items in refused.items():
            self._postpone(by_name[name], doc_id, items, now)

    def _postpone(self, collection: Collection, doc_id, items: list[dict], now: datetime) -> None:
        """Returned or nacked events: only they wait longer (2, 4, 8 ... seconds)."""
        attempts = max(p.get("attempts", 0) for p in items) + 1
        later = now + timedelta(seconds=min(self.max_backoff, 2**attempts))
        collection.update_one(
            {"_id": doc_id},
            {"$set": {"outbox.$[e].next_at": later}, "$inc": {"outbox.$[e].attempts": 1}},
            array_filters=[{"e.id": {"$in": [p["id"] for p in items]}}],
        )
        # an event added since this pass began may wait until `later` too (returns are rare)
        collection.update_one(
            {"_id": doc_id, "outbox_due": {"$lte": now}}, {"$set": {"outbox_due": later}}
        )

    def run(self, stop: threading.Event) -> None:
        wake = _wakeups[self.service]
        backoff = self.poll_interval
        while not stop.is_set():
            try:
                published = self.relay_once()
                backoff = self.poll_interval
            except Exception as exc:
                log.warning(
                    "outbox relay pass failed",
                    extra={"error": type(exc).__name__, "detail": str(exc)[:200]},
                )
                published = 0
                backoff = min(backoff * 2, 5.0)
            if not published:
                self.publisher.heartbeat()
                wake.wait(backoff)
                wake.clear()
        self.publisher.close()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _outgoing(pending: dict) -> Outgoing:
    envelope = pending["envelope"]
    return Outgoing(
        routing_key=envelope["type"],
        body=encode(envelope),
        message_id=envelope["id"],
        correlation_id=envelope.get("correlationid"),
    )
