"""Offers: the ISO weeks a doctor offers, with preferred sites; withdrawn, never deleted."""

from __future__ import annotations

import uuid

from services.roster.documents import Doctor, Offer, Site
from services.roster.domain import now_utc
from services.roster.handlers.common import _get, _modify


def offer_weeks(data: dict) -> Offer:
    _get(Doctor, data["doctor_id"], "doctor")
    for site_id in data["preferred_sites"]:
        _get(Site, site_id, "site")
    offer = Offer(
        id=f"off-{uuid.uuid4().hex[:10]}",
        doctor_id=data["doctor_id"],
        weeks=sorted(set(data["weeks"])),
        preferred_sites=data["preferred_sites"],
        note=data["note"],
        created_at=now_utc(),
    )
    offer.save(force_insert=True)
    return offer


def withdraw_offer(offer_id: str) -> Offer:
    return _modify(Offer, offer_id, "offer", set__state="withdrawn")
