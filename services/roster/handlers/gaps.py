"""Coverage gaps: each site-week with no confirmed doctor is announced once while it stays open."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from chassis import outbox
from services.roster import events
from services.roster.coverage import coverage
from services.roster.documents import Gap, Site
from services.roster.domain import COMPLETED, CONFIRMED, IsoWeek, now_utc, weeks_between
from services.roster.handlers.common import SERVICE, today


def announce_gaps(site_ids: list[str] | None, weeks: list[IsoWeek]) -> list[tuple[str, str]]:
    """Announce each site-week with no confirmed doctor, once while it stays open."""
    sites = {s.id: s for s in (Site.objects(id__in=site_ids) if site_ids else Site.objects)}
    announced = []
    collection = Gap._get_collection()
    for row in coverage(list(sites), weeks):
        if row["state"] in (CONFIRMED, COMPLETED):
            close_gap(row["site_id"], row["week"])
            continue
        site = sites[row["site_id"]]
        update = {
            "$set": {
                "site_id": site.id,
                "week": row["week"],
                "open": True,
                "announced_at": now_utc(),
            },
            **outbox.push(events.gap_detected(site, row["week"])),
        }
        key = f"{site.id}|{row['week']}"
        try:
            result = collection.update_one({"_id": key, "open": {"$ne": True}}, update, upsert=True)
        except DuplicateKeyError:
            continue  # already open and announced
        if result.upserted_id or result.modified_count:
            announced.append((site.id, row["week"]))
    if announced:
        outbox.notify(SERVICE)
    return announced


def close_gap(site_id: str, week: str) -> None:
    """The site-week has its doctor: a later gap there is announced again."""
    Gap.objects(id=f"{site_id}|{week}", open=True).update_one(set__open=False)


def announce_upcoming_gaps(horizon_weeks: int = 12) -> list[tuple[str, str]]:
    first = IsoWeek.of(today())
    return announce_gaps(None, weeks_between(first, first.next(horizon_weeks - 1)))
