"""The roster's documents (db alias "roster") and their indexes.

Uniqueness that matters is enforced by the database, not by reading first:
an active assignment holds ``site_week`` ("<site>|<week>") and ``doctor_week``
("<doctor>|<week>"), both under unique sparse indexes; releasing a week
unsets them.  So two doctors on one site-week, or one doctor at two sites in a
week, fail on insert, whatever the concurrency.
"""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    EmbeddedDocumentListField,
    IntField,
    ListField,
    PointField,
    StringField,
)

from chassis.outbox import OutboxDocument
from services.roster.domain import PACE_DEFAULT, PROFESSIONS

ALIAS = "roster"


def lonlat(point) -> dict | None:
    """A PointField's value as {"lon", "lat"} (a list before saving, GeoJSON after)."""
    if not point:
        return None
    lon, lat = point["coordinates"] if isinstance(point, dict) else point
    return {"lon": lon, "lat": lat}


class OpeningHours(EmbeddedDocument):
    weekday = IntField(required=True, min_value=0, max_value=6)  # 0 = Monday
    start = StringField(required=True)  # "08:30", Europe/Paris
    end = StringField(required=True)


class Stop(EmbeddedDocument):
    stop_id = StringField(required=True)
    commune = StringField(required=True)
    address = StringField(default="")
    location = PointField(required=True)  # GeoJSON [lon, lat]
    weekday = IntField(required=True, min_value=0, max_value=6)
    start = StringField(required=True)
    end = StringField(required=True)

    def to_event(self) -> dict:
        return {
            "stop_id": self.stop_id,
            "commune": self.commune,
            "address": self.address,
            "location": lonlat(self.location),
        }


class Site(Document):
    id = StringField(primary_key=True)
    code = StringField(required=True, unique=True)
    name = StringField(required=True)
    kind = StringField(required=True, choices=("centre", "mobile"))
    commune = StringField(required=True)
    address = StringField(default="")
    location = PointField()
    professions = ListField(StringField(choices=PROFESSIONS), default=lambda: ["gp"])
    hours = EmbeddedDocumentListField(OpeningHours)
    closed_thursday_afternoon = BooleanField(default=True)
    stops = EmbeddedDocumentListField(Stop)
    no_housing_weeks = ListField(StringField(), default=list)  # no doctor can be housed
    created_at = DateTimeField(required=True)
    meta = {"db_alias": ALIAS, "collection": "sites"}


class Doctor(OutboxDocument):
    id = StringField(primary_key=True)
    family_name = StringField(required=True)
    given_name = StringField(required=True)
    rpps = StringField(required=True, unique=True)
    profession = StringField(required=True, choices=PROFESSIONS)
    phone = StringField(required=True)
    email = StringField(required=True)
    languages = ListField(StringField(), default=list)
    max_weeks = IntField(default=4, min_value=1, max_value=52)  # in one planning horizon
    created_at = DateTimeField(required=True)
    meta = {"db_alias": ALIAS, "collection": "doctors"}

    @property
    def display_name(self) -> str:
        return f"Dr {self.given_name} {self.family_name}"


class Offer(Document):
    id = StringField(primary_key=True)
    doctor_id = StringField(required=True)
    weeks = ListField(StringField(), required=True)
    preferred_sites = ListField(StringField(), default=list)
    note = StringField(default="")
    state = StringField(default="active", choices=("active", "withdrawn"))
    created_at = DateTimeField(required=True)
    meta = {"db_alias": ALIAS, "collection": "offers", "indexes": ["doctor_id", "weeks"]}


class HeldBack(EmbeddedDocument):
    weekday = IntField(required=True, min_value=0, max_value=6)
    slots = IntField(required=True, min_value=0)
    release_time = StringField(required=True)  # local "HH:MM" of that same day


class HomeVisitBlock(EmbeddedDocument):
    weekday = IntField(required=True, min_value=0, max_value=6)
    start = StringField(required=True)
    end = StringField(required=True)


class Logistics(EmbeddedDocument):
    housing_booked = BooleanField(default=False)
    vehicle = StringField(default="")
    welcome_booklet_sent = BooleanField(default=False)
    arrival_time = StringField(default="")  # free text, e.g. "Monday 08:00"
    notes = StringField(default="")


class Assignment(OutboxDocument):
    id = StringField(primary_key=True)
    site_id = StringField(required=True)
    week = StringField(required=True)
    doctor_id = StringField(required=True)
    state = StringField(required=True)
    revision = IntField(default=1)
    site_week = StringField()  # set while active: unique
    doctor_week = StringField()  # set while active: unique
    pace = IntField(default=PACE_DEFAULT)
    held_back = EmbeddedDocumentListField(HeldBack)
    home_visits = EmbeddedDocumentListField(HomeVisitBlock)
    logistics = EmbeddedDocumentField(Logistics, default=Logistics)
    handover_note = DictField()  # {"text", "author_id", "written_at"}
    rpps_override = DictField()  # {"by", "reason", "at"} when confirmed despite an unknown RPPS
    released_reason = StringField()
    history = ListField(DictField(), default=list)  # {"state", "at", "by"}
    created_at = DateTimeField(required=True)
    updated_at = DateTimeField(required=True)
    meta = {
        "db_alias": ALIAS,
        "collection": "assignments",
        "indexes": [
            {"fields": ["site_week"], "unique": True, "sparse": True},
            {"fields": ["doctor_week"], "unique": True, "sparse": True},
            ["site_id", "week"],
            ["week", "state"],
            "doctor_id",
        ],
    }


class Gap(OutboxDocument):
    """A site-week with no confirmed doctor, announced once while it stays open."""

    id = StringField(primary_key=True)  # "<site>|<week>"
    site_id = StringField(required=True)
    week = StringField(required=True)
    open = BooleanField(default=True)
    announced_at = DateTimeField()
    meta = {"db_alias": ALIAS, "collection": "gaps", "indexes": ["week"]}


class KnownPractitioner(Document):
    """RPPS numbers the directory knows, kept from its events."""

    id = StringField(primary_key=True)  # the RPPS number
    profession = StringField()
    name = StringField()
    updated_at = DateTimeField()
    meta = {"db_alias": ALIAS, "collection": "known_practitioners"}


class Proposal(EmbeddedDocument):
    """One site-week the planner proposes to staff; confirmed like a manual assignment."""

    id = StringField(required=True)
    site_id = StringField(required=True)
    week = StringField(required=True)
    doctor_id = StringField(required=True)
    offer_ids = ListField(StringField(), default=list)  # the offers it rests on
    continuity = BooleanField(default=False)  # the doctor has worked at this site
    preferred = BooleanField(default=False)  # the doctor prefers this site
    state = StringField(default="open", choices=("open", "confirmed", "refused"))
    assignment_id = StringField()
    refusal = DictField()  # {"code", "message", ...} when a confirmation was refused


class Plan(Document):
    """A planner run over sites and ISO weeks: queued, then solved by the roster worker."""

    id = StringField(primary_key=True)
    site_ids = ListField(StringField(), required=True)
    weeks = ListField(StringField(), required=True)
    time_limit = IntField(required=True)  # seconds the solver may take
    requested_by = StringField(required=True)
    status = StringField(required=True, choices=("queued", "running", "done", "failed"))
    claimed_by = StringField()
    lease_until = DateTimeField()  # a worker that died mid-run lets another take over
    proposals = EmbeddedDocumentListField(Proposal)
    gaps = ListField(DictField(), default=list)  # {"site_id", "week", "reason"}
    result = DictField()  # optimal, coverage bound, counts, solver status, seconds
    error = StringField()
    created_at = DateTimeField(required=True)
    started_at = DateTimeField()
    finished_at = DateTimeField()
    meta = {
        "db_alias": ALIAS,
        "collection": "plans",
        "indexes": [["status", "created_at"], "-created_at"],
    }


DOCUMENTS = [Site, Doctor, Offer, Assignment, Gap, KnownPractitioner, Plan]
OUTBOX_DOCUMENTS = [Doctor, Assignment, Gap]
