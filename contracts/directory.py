"""Events the directory service produces: the public card of a correspondent."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from contracts.common import Location
from contracts.registry import EventType


class CorrespondentUpdated(Schema):
    correspondent_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["practitioner", "structure"]))
    rpps = fields.String(allow_none=True, load_default=None)
    finess = fields.String(allow_none=True, load_default=None)
    name = fields.String(required=True)
    profession = fields.String(allow_none=True, load_default=None)
    specialty = fields.String(allow_none=True, load_default=None)
    category = fields.String(allow_none=True, load_default=None)
    commune = fields.String(allow_none=True, load_default=None)
    postcode = fields.String(allow_none=True, load_default=None)
    location = fields.Nested(Location, allow_none=True, load_default=None)
    # the practice's published number (Annuaire Santé), never a patient's
    practice_phone = fields.String(allow_none=True, load_default=None)
    accepting_new_patients = fields.Boolean(allow_none=True, load_default=None)


EVENTS = [
    EventType(
        "directory.correspondent.updated.v1",
        CorrespondentUpdated,
        {
            "correspondent_id": "rpps-10003456789",
            "kind": "practitioner",
            "rpps": "10003456789",
            "finess": None,
            "name": "Dr Paul Bernard",
            "profession": "Médecin",
            "specialty": "Cardiologie",
            "category": None,
            "commune": "Guéret",
            "postcode": "23000",
            "location": {"lon": 1.8717, "lat": 46.1714},
            "practice_phone": "+33555123456",
            "accepting_new_patients": True,
        },
        public=True,
        description="A correspondent was added or changed (local notes are never published).",
        subject="correspondent id",
    ),
]
