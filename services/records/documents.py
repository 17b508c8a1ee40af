"""The records service's documents (db alias "records").

The audit trail is a collection the API only ever inserts into: no endpoint
updates or deletes an entry.  Follow-ups and pending results are site items:
they belong to the site, so next week's doctor finds them.
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
    StringField,
)

from chassis.outbox import OutboxDocument

ALIAS = "records"


class PatientRecord(Document):
    """One identity's record: what was written under it, and the identity as booking
    last announced it (records follows booking's identity events)."""

    id = StringField(primary_key=True)  # the patient id (booking's)
    birth_name = StringField(required=True)
    used_name = StringField()
    first_given_name = StringField(required=True)
    given_names = ListField(StringField(), default=list)
    used_given_name = StringField()
    birth_date = DateField(required=True)
    sex = StringField(default="unknown")
    birth_place = StringField()
    identity_status = StringField(default="provisional")  # provisional | validated
    validated_at = DateTimeField()  # of the validation last applied (events may come late)
    has_gp = StringField(default="unknown")
    medical_history = ListField(DictField(), default=list)
    surgical_history = ListField(DictField(), default=list)
    family_history = ListField(DictField(), default=list)
    allergies = ListField(DictField(), default=list)
    no_known_allergies = BooleanField(default=False)
    treatments = ListField(DictField(), default=list)
    vaccinations = ListField(DictField(), default=list)
    screenings = ListField(DictField(), default=list)
    gp_declaration = DictField()  # {"declared_on", "doctor_id", "site_id", "recorded_at"}
    created_at = DateTimeField(required=True)
    updated_at = DateTimeField()
    meta = {
        "db_alias": ALIAS,
        "collection": "records",
        "strict": False,  # records from before identities still load until migrated
        "indexes": ["gp_declaration.site_id"],
    }


class IdentityLink(Document):
    """A merged identity and the one it joined (from booking's merge events).

    Kept apart from the records themselves: a merge changes no record, so an
    unmerge leaves both exactly as they were.  ``at`` orders the events (a late
    copy of an older one changes nothing)."""

    id = StringField(primary_key=True)  # the merged identity's patient id
    into = StringField()  # the identity it joined; None once unmerged
    at = DateTimeField(required=True)
    meta = {"db_alias": ALIAS, "collection": "identity_links", "indexes": ["into"]}


class Consultation(OutboxDocument):
    id = StringField(primary_key=True)
    patient_id = StringField(required=True)
    site_id = StringField(required=True)
    doctor_id = StringField(required=True)
    appointment_id = StringField()
    status = StringField(default="open")  # open | closed
    reason = StringField(default="")
    exam = DictField()
    notes = StringField(default="")
    diagnosis = StringField(default="")
    prescriptions = StringField(default="")
    outcome = StringField(default="")
    opened_at = DateTimeField(required=True)
    closed_at = DateTimeField()
    meta = {
        "db_alias": ALIAS,
        "collection": "consultations",
        "indexes": [["patient_id", "opened_at"], ["doctor_id", "status"], "site_id"],
    }


class SiteItem(Document):
    """An open follow-up or a pending result: the site's, not the doctor's."""

    id = StringField(primary_key=True)
    site_id = StringField(required=True)
    patient_id = StringField(required=True)
    consultation_id = StringField(required=True)
    kind = StringField(required=True)  # follow_up | pending_result
    text = StringField(required=True)
    due = DateField()
    status = StringField(default="open")  # open | done
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)
    done_by = StringField()
    done_at = DateTimeField()
    meta = {"db_alias": ALIAS, "collection": "site_items", "indexes": [["site_id", "status"]]}


class DutyWeek(Document):
    """Who is on duty where, from roster events."""

    id = StringField(primary_key=True)  # "<site>|<week>"
    site_id = StringField(required=True)
    week = StringField(required=True)
    doctor_id = StringField()
    assignment_id = StringField()
    revision = IntField(default=0)
    status = StringField(default="confirmed")  # confirmed | released
    meta = {"db_alias": ALIAS, "collection": "duty_weeks"}


class Visit(Document):
    """A patient's appointment at a site, from booking events."""

    id = StringField(primary_key=True)  # the appointment id
    patient_id = StringField(required=True)
    site_id = StringField(required=True)
    week = StringField(required=True)
    start = DateTimeField(required=True)
    status = StringField(default="booked")
    meta = {"db_alias": ALIAS, "collection": "visits", "indexes": [["patient_id", "week"]]}


class AuditEntry(Document):
    """Append-only: who touched which record, why, and whether it was allowed.

    ``patient_id`` is empty when the patient is not known (an unknown consultation,
    a refused site-wide list); ``site_id`` names the site of site-wide reads.
    """

    at = DateTimeField(required=True)
    actor = StringField(required=True)
    role = StringField(required=True)
    patient_id = StringField()
    site_id = StringField()
    action = StringField(required=True)
    purpose = StringField(required=True)
    # allowed | denied | not_found, or (no access decision reached) invalid | conflict | error
    outcome = StringField(required=True)
    reason = StringField()
    request_id = StringField()
    meta = {
        "db_alias": ALIAS,
        "collection": "audit",
        "indexes": [["patient_id", "at"]],
    }


class Counter(Document):
    """Non-medical counts per site, for coordinators."""

    id = StringField(primary_key=True)  # "<site>|<name>"
    site_id = StringField(required=True)
    name = StringField(required=True)
    value = IntField(default=0)
    meta = {"db_alias": ALIAS, "collection": "counters"}


DOCUMENTS = [
    PatientRecord,
    IdentityLink,
    Consultation,
    SiteItem,
    DutyWeek,
    Visit,
    AuditEntry,
    Counter,
]
OUTBOX_DOCUMENTS = [Consultation]
