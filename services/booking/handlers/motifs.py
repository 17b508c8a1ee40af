"""Visit reasons ("motifs") per site: label, length in slots, online or staff-only."""

from __future__ import annotations

from chassis.cache import ttl_cache
from chassis.problems import NotFound
from services.booking.documents import BookingSite, Motif

DEFAULTS = {
    "centre": [
        ("consultation", "Consultation", 1, True),
        ("renouvellement", "Renouvellement d'ordonnance", 1, True),
        ("vaccination", "Vaccination", 1, True),
        ("certificat", "Certificat médical", 1, True),
        ("bilan", "Bilan de santé (consultation longue)", 2, True),
        ("soins-non-programmes", "Soins non programmés", 1, False),
        ("visite-domicile", "Visite à domicile", 2, False),
    ],
    "mobile": [
        ("consultation", "Consultation", 1, True),
        ("renouvellement", "Renouvellement d'ordonnance", 1, True),
        ("vaccination", "Vaccination", 1, True),
        ("suivi-grossesse", "Suivi de grossesse", 2, True),
        ("depistage", "Dépistage", 1, True),
        ("soins-non-programmes", "Soins non programmés", 1, False),
    ],
}


def ensure_defaults(site_id: str, kind: str) -> None:
    if Motif.objects(site_id=site_id).count():
        return
    for code, label, slots, online in DEFAULTS.get(kind, DEFAULTS["centre"]):
        Motif.objects(id=f"{site_id}|{code}").update_one(
            upsert=True,
            set_on_insert__site_id=site_id,
            set_on_insert__code=code,
            set_on_insert__label=label,
            set_on_insert__duration_slots=slots,
            set_on_insert__online=online,
            set_on_insert__active=True,
        )


@ttl_cache(30)
def _active(site_id: str, code: str) -> Motif | None:
    return Motif.objects(id=f"{site_id}|{code}", active=True).first()


def get(site_id: str, code: str) -> Motif:
    """An active visit reason (cached for 30 s in each process)."""
    motif = _active(site_id, code)
    if motif is None:
        raise NotFound("visit reason", code)
    return motif


@ttl_cache(30)
def site(site_id: str):
    """What booking knows of a site (cached for 30 s in each process)."""
    found = BookingSite.objects(id=site_id).first()
    if found is None:
        raise NotFound("site", site_id)
    return found


def forget_cached() -> None:
    _active.cache_clear()
    site.cache_clear()


def upsert(site_id: str, data: dict) -> Motif:
    Motif.objects(id=f"{site_id}|{data['code']}").update_one(
        upsert=True,
        set__site_id=site_id,
        set__code=data["code"],
        set__label=data["label"],
        set__duration_slots=data["duration_slots"],
        set__online=data["online"],
        set__active=data["active"],
    )
    forget_cached()
    return Motif.objects.get(id=f"{site_id}|{data['code']}")
