"""Doctors: registration (announced), and the RPPS numbers the directory knows."""

from __future__ import annotations

import uuid

from mongoengine.errors import NotUniqueError
from pymongo import UpdateOne

from chassis import outbox
from chassis.bus.consumer import batch_handler
from chassis.phones import normalise_phone
from services.roster import events
from services.roster.documents import Doctor, KnownPractitioner
from services.roster.domain import RuleViolation, now_utc
from services.roster.handlers.common import SERVICE


def register_doctor(data: dict) -> Doctor:
    doctor = Doctor(
        id=f"doc-{uuid.uuid4().hex[:10]}",
        family_name=data["family_name"],
        given_name=data["given_name"],
        rpps=data["rpps"],
        profession=data["profession"],
        phone=normalise_phone(data["phone"]),
        email=data["email"].lower(),
        languages=data["languages"],
        max_weeks=data.get("max_weeks", 4),
        created_at=now_utc(),
    )
    doctor.announce(events.doctor_registered(doctor))
    try:
        doctor.save(force_insert=True)
    except NotUniqueError:
        existing = Doctor.objects(rpps=data["rpps"]).first()
        raise RuleViolation(
            "doctor_exists",
            "a doctor with this RPPS number is registered",
            doctor_id=existing.id if existing else None,
        ) from None
    outbox.notify(SERVICE)
    return doctor


def rpps_known(rpps: str) -> bool:
    return KnownPractitioner.objects(id=rpps).count() > 0


@batch_handler
def record_correspondents(events) -> None:
    """directory.correspondent.updated.v1: remember which RPPS numbers exist.

    A directory import announces thousands of cards at once: a batch of them is
    one bulk write (in arrival order, so the latest card wins), idempotent by
    nature (it sets fields from the event).
    """
    now = now_utc()
    writes = [
        UpdateOne(
            {"_id": event.data["rpps"]},
            {
                "$set": {
                    "profession": event.data.get("profession"),
                    "name": event.data.get("name"),
                    "updated_at": now,
                }
            },
            upsert=True,
        )
        for event in events
        if event.data.get("rpps")
    ]
    if writes:
        KnownPractitioner._get_collection().bulk_write(writes, ordered=True)
