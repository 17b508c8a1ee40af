"""What every roster use case shares: the service name, today in Paris, documents by id."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from mongoengine.errors import DoesNotExist

from chassis.problems import NotFound

SERVICE = "roster"
PARIS = ZoneInfo("Europe/Paris")


def today() -> date:
    return datetime.now(PARIS).date()


def _get(document, ident: str, what: str):
    try:
        return document.objects.get(id=ident)
    except DoesNotExist:
        raise NotFound(what, ident) from None


def _modify(document, ident: str, what: str, **update):
    """Apply ``update`` to one document and return it as it now is (one database operation)."""
    changed = document.objects(id=ident).modify(new=True, **update)
    if changed is None:
        raise NotFound(what, ident)
    return changed


def _point(location: dict | None):
    return [location["lon"], location["lat"]] if location else None
