"""A producer document and consumer effects, to exercise the chassis end to end.

The producer ("booking" alias) saves ``ProbeVisit`` documents whose outbox
announces ``booking.appointment.booked.v1``; the consumer ("records" alias)
counts its effects per appointment in ``ProbeEffect``, so a count of 2 means a
duplicate effect got through.

The probe worker (``python -m tests.support.probe``, a process of its own, as
service "probe") consumes ``booking.patient.registered.v1`` and keeps a tally
per patient with ``$inc``: an effect that is not idempotent by nature, so an
event handled twice shows as one too many.  It tallies through
:func:`~chassis.idempotency.apply_once`, or naively with ``--naive``;
``PROBE_STALL_AFTER=N`` makes it stop dead after its N-th effect, before the
consumer records the batch as processed (where a crash hurts).
"""

from __future__ import annotations

import os
import sys
import time
import uuid

from mongoengine import StringField

from chassis import outbox
from chassis.bus.consumer import EventConsumer, batch_handler
from chassis.bus.publisher import ConfirmingPublisher
from chassis.config import ServiceConfig
from chassis.db import database, prepare_collections
from chassis.idempotency import MongoProcessedEvents, apply_many, apply_once
from chassis.outbox import OutboxDocument, OutboxRelay
from contracts.catalog import catalog

BOOKED = "booking.appointment.booked.v1"
REGISTERED = "booking.patient.registered.v1"
TALLIES = "probe_tallies"


class ProbeVisit(OutboxDocument):
    appointment_id = StringField(primary_key=True)
    meta = {"db_alias": "booking", "collection": "probe_visits"}


def save_visit(appointment_id: str | None = None, fail: bool = False) -> str:
    """One atomic insert: the visit and its pending event."""
    appointment_id = appointment_id or uuid.uuid4().hex
    sample = catalog().get(BOOKED).sample
    data = {**sample, "appointment_id": appointment_id, "patient_id": "bad" if fail else "p-1"}
    visit = ProbeVisit(appointment_id=appointment_id)
    visit.announce(outbox.event(catalog(), BOOKED, data, subject=appointment_id))
    visit.save(force_insert=True)
    return appointment_id


def pending_events() -> int:
    return sum(len(v.outbox) for v in ProbeVisit.objects.only("outbox"))


def effects() -> dict[str, int]:
    collection = database("records")["probe_effects"]
    return {d["_id"]: d["count"] for d in collection.find()}


def record_effect(event) -> None:
    if event.data["patient_id"] == "bad":
        raise RuntimeError("this handler cannot take that event")
    database("records")["probe_effects"].update_one(
        {"_id": event.data["appointment_id"]}, {"$inc": {"count": 1}}, upsert=True
    )


@batch_handler(records_events=True)
def record_effects(events) -> None:
    """The same effect for a whole batch in one bulk write, once per event (the event ids
    ride in the effect documents: no processed-events record is needed)."""
    if any(event.data["patient_id"] == "bad" for event in events):
        raise RuntimeError("this handler cannot take that event")
    apply_many(
        database("records")["probe_effects"],
        [({"_id": e.data["appointment_id"]}, {"$inc": {"count": 1}}, e.id) for e in events],
    )


def prepare() -> None:
    """Collections first, before any thread touches them (see prepare_collections)."""
    prepare_collections([ProbeVisit])
    effects_collection = database("records")["probe_effects"]
    if "probe_effects" not in effects_collection.database.list_collection_names():
        effects_collection.database.create_collection("probe_effects")


def relay_for(config: ServiceConfig) -> OutboxRelay:
    return OutboxRelay(
        config.service,
        lambda: [ProbeVisit._get_collection()],
        ConfirmingPublisher(config.bus),
        poll_interval=config.bus.outbox_poll_interval,
    )


def consumer_for(config: ServiceConfig, handler=record_effect) -> EventConsumer:
    return EventConsumer(
        config.bus,
        config.service,
        {BOOKED: handler},
        catalog(),
        MongoProcessedEvents(database(config.service)),
    )


def tally(event) -> None:
    """One more for the patient, once per event: the effect and its event id in one write."""
    tallies = database("probe")[TALLIES]
    apply_once(tallies, {"_id": event.data["patient_id"]}, {"$inc": {"count": 1}}, event.id)


def tally_naively(event) -> None:
    """One more for the patient, as many times as the event is handled."""
    tallies = database("probe")[TALLIES]
    tallies.update_one({"_id": event.data["patient_id"]}, {"$inc": {"count": 1}}, upsert=True)


def stalling(handler, after: int):
    """``handler``, which stops dead (mid-batch) once it has had ``after`` effects."""
    done = 0

    def handle(event) -> None:
        nonlocal done
        handler(event)
        done += 1
        if done >= after:
            time.sleep(3600)  # until killed: the batch is never recorded as processed

    return handle


def main(argv: list[str]) -> None:
    from chassis.db import connect_database
    from chassis.logs import setup_logging
    from chassis.worker import ServiceWorker

    config = ServiceConfig.from_env("probe")
    setup_logging(config.log_level, service="probe")
    tallies = connect_database(config)[TALLIES]
    if TALLIES not in tallies.database.list_collection_names():
        tallies.database.create_collection(TALLIES)
    handler = tally_naively if "--naive" in argv else tally
    if stall := int(os.environ.get("PROBE_STALL_AFTER", "0")):
        handler = stalling(handler, stall)
    ServiceWorker(config, handlers={REGISTERED: handler}, outbox_documents=[]).run_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
