"""Sites: opening a centre or a mobile unit, changing its hours, closures and stops."""

from __future__ import annotations

from mongoengine.errors import NotUniqueError

from services.roster.documents import OpeningHours, Site, Stop
from services.roster.domain import RuleViolation, now_utc
from services.roster.handlers.common import _get, _modify, _point

DEFAULT_CENTRE_HOURS = [
    {"weekday": d, "start": s, "end": e}
    for d in range(5)
    for s, e in (("08:30", "12:00"), ("14:00", "18:30"))
]


def register_site(data: dict) -> Site:
    site_id = data.get("id") or f"site-{data['code'].lower()}"
    hours = data.get("hours")
    if hours is None and data["kind"] == "centre":
        hours = DEFAULT_CENTRE_HOURS
    site = Site(
        id=site_id,
        code=data["code"],
        name=data["name"],
        kind=data["kind"],
        commune=data["commune"],
        address=data.get("address", ""),
        location=_point(data.get("location")),
        professions=data["professions"],
        hours=[OpeningHours(**h) for h in hours or []],
        closed_thursday_afternoon=data["closed_thursday_afternoon"],
        stops=[_stop(s) for s in data.get("stops") or []],
        no_housing_weeks=sorted(set(data.get("no_housing_weeks") or [])),
        created_at=now_utc(),
    )
    try:
        site.save(force_insert=True)
    except NotUniqueError:
        taken = Site.objects(id=site_id).first() or Site.objects(code=data["code"]).first()
        raise RuleViolation(
            "site_exists", "a site with this id or code exists", site_id=taken.id if taken else None
        ) from None
    return site


def _stop(data: dict) -> Stop:
    return Stop(
        stop_id=data["stop_id"],
        commune=data["commune"],
        address=data.get("address", ""),
        location=_point(data["location"]),
        weekday=data["weekday"],
        start=data["start"],
        end=data["end"],
    )


def update_site(site_id: str, changes: dict) -> Site:
    site = _get(Site, site_id, "site")
    updates = {}
    if "name" in changes:
        updates["set__name"] = changes["name"]
    if "hours" in changes:
        updates["set__hours"] = [OpeningHours(**h) for h in changes["hours"]]
    if "closed_thursday_afternoon" in changes:
        updates["set__closed_thursday_afternoon"] = changes["closed_thursday_afternoon"]
    if "professions" in changes:
        updates["set__professions"] = changes["professions"]
    if "no_housing_weeks" in changes:
        updates["set__no_housing_weeks"] = sorted(set(changes["no_housing_weeks"]))
    if "stops" in changes:
        if site.kind != "mobile":
            raise RuleViolation("not_mobile", "only a mobile unit has stops", site_id=site_id)
        updates["set__stops"] = [_stop(s) for s in changes["stops"]]
    if updates:
        site = _modify(Site, site_id, "site", **updates)
    return site
