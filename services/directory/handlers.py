"""Directory use cases: search, the centre's own entries and notes, RPPS verification."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from chassis import outbox
from chassis.geo import haversine_km
from chassis.problems import NotFound
from services.directory import events
from services.directory.documents import Correspondent, KnownSite
from services.directory.search_keys import keys_for, normalise

SERVICE = "directory"


def get(correspondent_id: str) -> Correspondent:
    found = Correspondent.objects(id=correspondent_id).first()
    if found is None:
        raise NotFound("correspondent", correspondent_id)
    return found


def search(args: dict) -> list[Correspondent]:
    """By specialty or category, words of the name, and distance (nearest first)."""
    query: dict = {}
    if args.get("specialty"):
        query["specialty_key"] = {"$regex": "^" + re.escape(normalise(args["specialty"]))}
    if args.get("category"):
        query["category"] = args["category"]
    if args.get("kind"):
        query["kind"] = args["kind"]
    words = normalise(args.get("q")).split()
    if words:
        query["search_keys"] = {"$all": [re.compile("^" + re.escape(w)) for w in words]}
    if args.get("accepting"):
        query["accepting_new_patients"] = True
    origin = _origin(args)
    skip = (args["page"] - 1) * args["per_page"]
    collection = Correspondent._get_collection()
    if origin:
        # $geoNear, not find() with $near: SecantusDB does not sort the latter by distance
        cursor = collection.aggregate(
            [
                {
                    "$geoNear": {
                        "near": {"type": "Point", "coordinates": list(origin)},
                        "distanceField": "distance_m",
                        "maxDistance": args["km"] * 1000,
                        "spherical": True,
                        "query": query,
                    }
                },
                {"$skip": skip},
                {"$limit": args["per_page"]},
                {"$project": {"distance_m": 0}},
            ]
        )
    else:
        cursor = collection.find(query).sort("name_key", 1).skip(skip).limit(args["per_page"])
    found = [Correspondent._from_son(doc) for doc in cursor]
    if origin:
        for item in found:
            lon, lat = item.location["coordinates"]
            item.distance_km = round(haversine_km(origin[0], origin[1], lon, lat), 2)
    return found


def _origin(args: dict) -> tuple[float, float] | None:
    if args.get("site_id"):
        site = KnownSite.objects(id=args["site_id"]).first()
        if site is None or not site.location:
            raise NotFound("site", args["site_id"])
        return tuple(site.location["coordinates"])
    if args.get("lon") is not None and args.get("lat") is not None:
        return args["lon"], args["lat"]
    return None


def add_local(data: dict, by: str) -> Correspondent:
    """A correspondent the centre knows that no public file lists (a local osteopath, ...)."""
    doc = {"_id": f"local-{uuid.uuid4().hex[:12]}", **data}
    if data.get("location"):
        doc["location"] = {
            "type": "Point",
            "coordinates": [data["location"]["lon"], data["location"]["lat"]],
        }
    doc.update(keys_for(doc))
    event = events.updated(doc)
    doc.update(
        {
            "source": "local",
            "created_at": datetime.now(UTC),
            "local_notes": [],
            "outbox": [event],
            "outbox_due": event["next_at"],
        }
    )
    Correspondent._get_collection().insert_one(doc)
    outbox.notify(SERVICE)
    return get(doc["_id"])


def update_practical(correspondent_id: str, changes: dict) -> Correspondent:
    """Hours, accepting new patients, typical delay, MSSanté: what the centre learns."""
    collection = Correspondent._get_collection()
    doc = collection.find_one({"_id": correspondent_id})
    if doc is None:
        raise NotFound("correspondent", correspondent_id)
    doc.update(changes)
    event = events.updated(doc)
    collection.update_one(
        {"_id": correspondent_id},
        {"$set": {**changes, "updated_at": datetime.now(UTC)}, **outbox.push(event)},
    )
    outbox.notify(SERVICE)
    return get(correspondent_id)


def add_note(correspondent_id: str, text: str, by: str) -> Correspondent:
    """A local note: the centre's own knowledge, never published, kept across re-imports."""
    noted = Correspondent.objects(id=correspondent_id).update_one(
        push__local_notes={"text": text, "author": by, "at": datetime.now(UTC)}
    )
    if not noted:
        raise NotFound("correspondent", correspondent_id)
    return get(correspondent_id)


def verify_rpps(rpps: str) -> dict:
    found = Correspondent.objects(rpps=rpps).only("rpps", "profession", "name").first()
    if found is None:
        return {"rpps": rpps, "known": False, "profession": None, "name": None}
    return {"rpps": rpps, "known": True, "profession": found.profession, "name": found.name}


def site_changed(event) -> None:
    """roster.week.confirmed.v1 carries the site's location: remember it for searches."""
    data = event.data
    location = data.get("site_location")
    # a site without a location (a bus whose stops have theirs) is known by name alone:
    # never a None written into a point, which the database refuses
    place = {"set__location": [location["lon"], location["lat"]]} if location else {}
    KnownSite.objects(id=data["site_id"]).update_one(
        upsert=True, set__name=data["site_name"], **place
    )
