"""The directory's public event: a correspondent's card, never the centre's local notes."""

from __future__ import annotations

from chassis import outbox
from contracts.catalog import catalog

UPDATED = "directory.correspondent.updated.v1"


def _location(point) -> dict | None:
    if not point:
        return None
    lon, lat = point["coordinates"] if isinstance(point, dict) else point
    return {"lon": lon, "lat": lat}


def card(doc: dict) -> dict:
    """The public data of a correspondent (document fields as stored)."""
    return {
        "correspondent_id": doc["_id"],
        "kind": doc["kind"],
        "rpps": doc.get("rpps"),
        "finess": doc.get("finess"),
        "name": doc["name"],
        "profession": doc.get("profession"),
        "specialty": doc.get("specialty"),
        "category": doc.get("category"),
        "commune": doc.get("commune"),
        "postcode": doc.get("postcode"),
        "location": _location(doc.get("location")),
        "practice_phone": doc.get("phone"),
        "accepting_new_patients": doc.get("accepting_new_patients"),
    }


def updated(doc: dict, trusted: bool = False) -> dict:
    return outbox.event(catalog(), UPDATED, card(doc), doc["_id"], trusted=trusted)
