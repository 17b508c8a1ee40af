"""Idempotent consumption: every event has exactly one effect, even across a crash.

Two layers, because MongoDB makes only a single document's write atomic (and
SecantusDB has no multi-document transactions):

* ``processed_events``, in each consuming service's own database, keyed by the
  event id (the unique ``_id`` index).  The consumer skips an event it finds
  there, and records a batch's events after their effects, before the acks.  A
  worker killed between an effect and that record gets the event again.
* So a handler whose effect is not idempotent by nature (a counter, an entry
  appended to a list, an event announced through the outbox) writes it with
  :func:`apply_once`: the effect and the event's id go into the same document
  in one atomic write, and a replay finds the id there and changes nothing.  An
  effect that is idempotent by nature (an upsert that sets fields from the
  event) needs nothing more.

The ids kept in a document are the last ``keep`` events that changed it: enough
for a replay, which comes back within the consumer's prefetch window, while
``processed_events`` remembers for 90 days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol

from pymongo import UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from contracts.envelope import Event

DUPLICATE_KEY = 11000
KEEP_SECONDS = 90 * 24 * 3600
APPLIED = "applied_events"


class ProcessedEvents(Protocol):
    def seen(self, event_ids: Iterable[str]) -> set[str]: ...

    def mark(self, events: list[Event]) -> None: ...


class MongoProcessedEvents:
    def __init__(self, database: Database, collection: str = "processed_events"):
        self.collection = database[collection]
        # built now, before the consumer thread runs (see chassis.db.prepare_collections)
        self.collection.create_index("at", expireAfterSeconds=KEEP_SECONDS)

    def seen(self, event_ids: Iterable[str]) -> set[str]:
        ids = list(event_ids)
        if not ids:
            return set()
        return {d["_id"] for d in self.collection.find({"_id": {"$in": ids}}, {"_id": 1})}

    def mark(self, events: list[Event]) -> None:
        now = datetime.now(UTC)
        docs = [{"_id": e.id, "type": e.type, "at": now} for e in events]
        try:
            self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            others = [e for e in exc.details.get("writeErrors", []) if e["code"] != DUPLICATE_KEY]
            if others:
                raise


def once(event_id: str, field: str = APPLIED, keep: int = 50) -> tuple[dict, dict]:
    """Filter and update fragments that make a single-document write happen once per event.

    ``filter |= f; update |= u``: the write matches nothing if the event was applied.
    ``update`` must not already use ``$push`` (see :func:`apply_once`, which merges).
    """
    return (
        {field: {"$ne": event_id}},
        {"$push": {field: {"$each": [event_id], "$slice": -keep}}},
    )


def apply_once(
    collection: Collection,
    key: dict,
    update: dict,
    event_id: str,
    *,
    upsert: bool = True,
    field: str = APPLIED,
    keep: int = 100,
) -> bool:
    """Apply ``update`` to the document ``key`` names, once per event; True if applied now.

    ``key`` must name one document through a unique index (``{"_id": ...}``): when
    the event was already applied the filter matches nothing, and the upsert's
    insert is refused by that index rather than creating a second document.
    """
    where, merged = _once_write(key, update, event_id, field, keep)
    if upsert:
        try:
            result = collection.update_one(where, merged, upsert=True)
            return bool(result.modified_count or result.upserted_id is not None)
        except DuplicateKeyError:
            pass  # it exists: applied already, or inserted meanwhile for another event
    return collection.update_one(where, merged).modified_count == 1


def _once_write(key: dict, update: dict, event_id: str, field: str, keep: int):
    """The filter and update of one write that applies ``update`` once for this event."""
    extra_filter, extra_update = once(event_id, field, keep)
    pushes = {**update.get("$push", {}), **extra_update["$push"]}
    return {**key, **extra_filter}, {**update, "$push": pushes}


def apply_many(
    collection: Collection,
    items: list[tuple[dict, dict, str]],
    *,
    field: str = APPLIED,
    keep: int = 100,
) -> int:
    """:func:`apply_once` for many ``(key, update, event_id)`` in one bulk write.

    One round trip for a whole batch (a third of the cost of one write each on
    SecantusDB).  An upsert refused by the unique index (the document exists:
    inserted by another item of the batch, or the event was applied already) is
    retried alone as a plain conditional update, exactly as :func:`apply_once`
    does.  Returns how many effects were applied now.
    """
    if not items:
        return 0
    writes = [_once_write(key, update, event_id, field, keep) for key, update, event_id in items]
    try:
        result = collection.bulk_write(
            [UpdateOne(where, what, upsert=True) for where, what in writes], ordered=False
        )
        return result.modified_count + result.upserted_count
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e["code"] != DUPLICATE_KEY for e in errors):
            raise
        applied = exc.details.get("nModified", 0) + exc.details.get("nUpserted", 0)
    for error in errors:
        where, what = writes[error["index"]]
        applied += collection.update_one(where, what).modified_count
    return applied
