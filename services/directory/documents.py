"""The directory's documents (db alias "directory") and their indexes.

Imports write only the fields the files provide; ``local_notes`` (and other
fields the centre edits) are never touched by a re-import.
"""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    IntField,
    ListField,
    PointField,
    StringField,
)

from chassis.outbox import OutboxDocument

ALIAS = "directory"


class Correspondent(OutboxDocument):
    id = StringField(primary_key=True)  # rpps-<id>-<structure> | finess-<id> | local-<uuid>
    kind = StringField(required=True)  # practitioner | structure
    rpps = StringField()
    finess = StringField()
    name = StringField(required=True)
    family_name = StringField()
    given_name = StringField()
    profession = StringField()
    specialty = StringField()
    category = StringField()
    category_label = StringField()
    structure_name = StringField()
    address = StringField()
    postcode = StringField()
    commune = StringField()
    departement = StringField()
    location = PointField()
    phone = StringField()
    email = StringField()
    mssante = StringField()
    hours = StringField()
    accepting_new_patients = BooleanField()
    typical_delay = StringField()
    languages = ListField(StringField())
    local_notes = ListField(DictField(), default=list)
    name_key = StringField()
    search_keys = ListField(StringField())
    specialty_key = StringField()
    import_hash = StringField()
    source = StringField()
    created_at = DateTimeField()
    updated_at = DateTimeField()
    meta = {
        "db_alias": ALIAS,
        "collection": "correspondents",
        # sparse where many documents lack the field (imports store no nulls): on
        # SecantusDB each index costs the import dearly, the 2dsphere one most
        "indexes": [
            {"fields": ["rpps"], "sparse": True},
            {"fields": ["finess"], "sparse": True},
            {"fields": ["category"], "sparse": True},
            "name_key",
            "specialty_key",
            "search_keys",
        ],
    }


class KnownSite(Document):
    """Sites' locations, from roster events: "near this site" searches."""

    id = StringField(primary_key=True)
    name = StringField()
    location = PointField()
    meta = {"db_alias": ALIAS, "collection": "sites"}


class ImportReport(Document):
    id = StringField(primary_key=True)
    kind = StringField(required=True)
    source = StringField()
    encoding = StringField()
    departements = ListField(StringField())
    lines_read = IntField(default=0)
    inserted = IntField(default=0)
    updated = IntField(default=0)
    unchanged = IntField(default=0)
    located = IntField(default=0)
    outside_territory = IntField(default=0)
    rejected_count = IntField(default=0)
    rejected = ListField(DictField())  # the first 1,000: {"line", "reason"}
    started_at = DateTimeField()
    finished_at = DateTimeField()
    meta = {"db_alias": ALIAS, "collection": "import_reports"}


DOCUMENTS = [Correspondent, KnownSite, ImportReport]
OUTBOX_DOCUMENTS = [Correspondent]
