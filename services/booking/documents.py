"""The booking service's documents (db alias "booking") and their indexes.

No double booking is decided by the database: an active appointment holds its
slot ids in ``hold`` under a unique multikey index, so two appointments can
never hold the same slot, whatever the concurrency; booking is one insert and
moving is one conditional update of that array (never two slots, never none).
``patient_hold`` does the same for the minutes a patient's appointment covers,
so overlapping appointments of one patient are refused and back-to-back ones
are not.  A new patient rides in the appointment (``pending_patient``) until
their registration is written, after the booking has won.
"""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    DictField,
    Document,
    IntField,
    ListField,
    PointField,
    StringField,
)

from chassis.outbox import OutboxDocument

ALIAS = "booking"


class BookingSite(Document):
    """What booking knows of a site (from roster events) and its own settings."""

    id = StringField(primary_key=True)
    code = StringField(required=True)
    name = StringField(required=True)
    kind = StringField(required=True)
    commune = StringField(default="")
    location = PointField()
    cancel_cutoff_hours = IntField(default=24)
    meta = {"db_alias": ALIAS, "collection": "sites"}


class Motif(Document):
    """A visit reason of a site: label, length in slots, who may book it."""

    id = StringField(primary_key=True)  # "<site>|<code>"
    site_id = StringField(required=True)
    code = StringField(required=True)
    label = StringField(required=True)
    duration_slots = IntField(default=1, min_value=1, max_value=4)
    online = BooleanField(default=True)
    active = BooleanField(default=True)
    meta = {"db_alias": ALIAS, "collection": "motifs", "indexes": ["site_id"]}


class WeekState(Document):
    """Which roster assignment and revision the slots of a site-week come from."""

    id = StringField(primary_key=True)  # "<site>|<week>"
    assignment_id = StringField()
    revision = IntField(default=0)
    generation = IntField(default=0)  # +1 each time another assignment takes the week
    doctor_id = StringField()
    status = StringField(default="confirmed")  # confirmed | released
    released = ListField(StringField(), default=list)  # assignments that ended
    # a doctor's weeks: where they may act (services/booking/access.py)
    meta = {"db_alias": ALIAS, "collection": "weeks", "indexes": [["doctor_id", "status"]]}


class Slot(Document):
    id = StringField(primary_key=True)  # "<site>|<stop or site>|<UTC start>"
    site_id = StringField(required=True)
    week = StringField(required=True)
    start = DateTimeField(required=True)
    end = DateTimeField(required=True)
    day = StringField(required=True)  # local date, YYYY-MM-DD
    stop = DictField()
    location = PointField()
    assignment_id = StringField()
    doctor_id = StringField()
    doctor_name = StringField()
    revision = IntField(default=0)
    stamp = IntField(default=0)  # generation * 10000 + revision: newer writes win
    status = StringField(default="open")  # open | needs_doctor | withdrawn
    held_back = BooleanField(default=False)
    release_at = DateTimeField()
    offered_until = DateTimeField()  # on offer to waiting patients until then
    meta = {
        "db_alias": ALIAS,
        "collection": "slots",
        "indexes": [
            ["site_id", "start"],
            ["site_id", "week"],
            ["status", "start"],
        ],
    }


class BookingSecret(Document):
    """Keys the service makes for itself on first use (never in the repo, never sent)."""

    id = StringField(primary_key=True)
    value = StringField(required=True)
    meta = {"db_alias": ALIAS, "collection": "secrets"}


class Patient(OutboxDocument):
    """An identity (the rules: services/booking/identity.py), and how to reach the person.

    Its id is random: nothing about a person makes or finds their id.  A merged
    identity keeps its document and says which one it joined (``merged_into``),
    so an unmerge restores it as it was.
    """

    id = StringField(primary_key=True)
    birth_name = StringField(required=True)
    used_name = StringField()
    first_given_name = StringField(required=True)
    given_names = ListField(StringField(), default=list)
    used_given_name = StringField()
    birth_date = DateField(required=True)
    sex = StringField(default="unknown")  # f | m | i, unknown for identities from before
    birth_place = StringField()  # INSEE code (contracts/birthplaces.py)
    identity_status = StringField(default="provisional")  # provisional | validated
    validation = DictField()  # {"by", "at", "document"}: never a scan or a number
    ins = DictField()  # {"matricule", "oid"}: recorded, not qualified (no INSi)
    phone = StringField()  # contact details, not identity
    email = StringField()
    sign_in = DictField()  # {"phone", "email"} recorded at validation: where codes go
    has_gp = StringField(default="unknown")  # yes | no | unknown
    merged_into = StringField()  # the identity this one was found to be
    # the identity's audit trail, written in the same write as each change:
    # [{"action": validated | merged | unmerged, "at", "by", "role", "reason",
    #   "document", "other_id", "request_id"}]
    history = ListField(DictField(), default=list)
    birth_key = StringField(required=True)  # search keys (chassis.names.name_key)
    used_key = StringField()
    given_key = StringField(required=True)
    created_via = StringField()  # online | phone | walk_in | waitlist | staff
    legacy = BooleanField()  # taken over from before identities (may mix two people)
    created_at = DateTimeField(required=True)
    meta = {
        "db_alias": ALIAS,
        "collection": "patients",
        "strict": False,  # identities from before their migration still load
        "indexes": [
            ["birth_key", "birth_date"],
            ["used_key", "birth_date"],
            "phone",
            "sign_in.email",
            "sign_in.phone",
            "merged_into",
        ],
    }
    # the index that made a name and a birth date one patient: dropped at start
    RETIRED_INDEXES = ([("identity", 1)],)


class SignInCode(Document):
    """A one-time code sent to a patient's sign-in contact: kept hashed, used once."""

    id = StringField(primary_key=True)
    contact_key = StringField(required=True)  # hash of the contact it was sent to
    code_hash = StringField(required=True)
    expires_at = DateTimeField(required=True)
    used = BooleanField(default=False)
    tries = IntField(default=0)  # compared so many times (each reserved before comparing)
    created_at = DateTimeField(required=True)
    meta = {"db_alias": ALIAS, "collection": "sign_in_codes", "indexes": ["contact_key"]}


class SignInAccount(Document):
    """A sign-in contact's counters: codes sent lately, wrong tries, a lock."""

    id = StringField(primary_key=True)  # hash of the contact
    # codes sent in the current windows (services/booking/handlers/sign_in.py):
    # w<i> is the window's number, c<i> its count
    w0, c0, w1, c1 = IntField(), IntField(default=0), IntField(), IntField(default=0)
    failures = IntField(default=0)
    locked_until = DateTimeField()
    meta = {"db_alias": ALIAS, "collection": "sign_in_accounts"}


class Appointment(OutboxDocument):
    id = StringField(primary_key=True)
    reference = StringField(required=True, unique=True)
    token_hash = StringField()
    patient_id = StringField(required=True)
    site_id = StringField(required=True)
    week = StringField(required=True)
    slot_ids = ListField(StringField(), required=True)
    hold = ListField(StringField())  # while active: unique across appointments
    patient_hold = ListField(StringField())  # while active: unique across appointments
    pending_patient = DictField()  # a new patient's draft, until registered
    start = DateTimeField(required=True)
    end = DateTimeField(required=True)
    stop = DictField()
    doctor_id = StringField()
    motif = StringField(required=True)
    motif_label = StringField(required=True)
    channel = StringField(required=True)
    status = StringField(default="booked")
    needs_doctor = BooleanField(default=False)
    reminders = DictField()  # {"48h": at, "2h": at}
    booked_by = StringField()
    history = ListField(DictField(), default=list)
    applied_events = ListField(StringField())  # incoming events applied (idempotency.once)
    created_at = DateTimeField(required=True)
    meta = {
        "db_alias": ALIAS,
        "collection": "appointments",
        "indexes": [
            {"fields": ["hold"], "unique": True, "sparse": True},
            {"fields": ["patient_hold"], "unique": True, "sparse": True},
            ["site_id", "start"],
            ["status", "start"],
            "patient_id",
            ["site_id", "week"],
        ],
    }


class WaitlistEntry(OutboxDocument):
    id = StringField(primary_key=True)
    site_id = StringField(required=True)
    patient_id = StringField(required=True)
    motif = StringField(required=True)
    latest_date = DateField(required=True)
    token_hash = StringField()
    status = StringField(default="waiting")  # waiting | offered | booked | cancelled | expired
    offer = DictField()  # {"slot_id", "start", "expires_at"}
    appointment_id = StringField()
    created_at = DateTimeField(required=True)
    meta = {
        "db_alias": ALIAS,
        "collection": "waitlist",
        "indexes": [["site_id", "status", "created_at"]],
    }


DOCUMENTS = [
    BookingSite,
    BookingSecret,
    Motif,
    WeekState,
    Slot,
    Patient,
    SignInCode,
    SignInAccount,
    Appointment,
    WaitlistEntry,
]
OUTBOX_DOCUMENTS = [Patient, Appointment, WaitlistEntry]
