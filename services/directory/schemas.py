"""Request and response schemas of the directory API (unknown fields refused)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from contracts.common import Location

Text = fields.String
CATEGORIES = [
    "hospital",
    "lab",
    "radiology",
    "pharmacy",
    "ehpad",
    "cpts",
    "health_centre",
    "out_of_hours",
    "other",
]


class SearchArgs(Schema):
    q = Text(validate=validate.Length(min=1, max=100))
    specialty = Text(validate=validate.Length(min=1, max=100))
    category = Text(validate=validate.OneOf(CATEGORIES))
    kind = Text(validate=validate.OneOf(["practitioner", "structure"]))
    accepting = fields.Boolean()
    site_id = Text(validate=validate.Length(min=1, max=64))
    lon = fields.Float(validate=validate.Range(-180, 180))
    lat = fields.Float(validate=validate.Range(-90, 90))
    km = fields.Float(load_default=50, validate=validate.Range(min=0.1, max=500))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 1000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))

    @validates_schema
    def _point(self, data, **kwargs):
        if ("lon" in data) != ("lat" in data):
            raise ValidationError("give both lon and lat", "lat" if "lon" in data else "lon")


class CorrespondentIn(Schema):
    kind = Text(required=True, validate=validate.OneOf(["practitioner", "structure"]))
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    profession = Text(validate=validate.Length(max=100))
    specialty = Text(validate=validate.Length(max=100))
    category = Text(validate=validate.OneOf(CATEGORIES))
    address = Text(validate=validate.Length(max=200))
    postcode = Text(validate=validate.Regexp(r"^\d{5}$"))
    commune = Text(validate=validate.Length(max=100))
    location = fields.Nested(Location)
    phone = Text(validate=validate.Length(max=30))
    email = fields.Email()
    mssante = fields.Email()
    hours = Text(validate=validate.Length(max=500))
    accepting_new_patients = fields.Boolean(allow_none=True)
    typical_delay = Text(validate=validate.Length(max=100))
    languages = fields.List(Text(validate=validate.Regexp(r"^[a-z]{2}$")))


class PracticalIn(Schema):
    hours = Text(validate=validate.Length(max=500))
    accepting_new_patients = fields.Boolean(allow_none=True)
    typical_delay = Text(validate=validate.Length(max=100))
    mssante = fields.Email()
    languages = fields.List(Text(validate=validate.Regexp(r"^[a-z]{2}$")))


class NoteIn(Schema):
    text = Text(required=True, validate=validate.Length(min=1, max=2000))


class CorrespondentOut(Schema):
    id = Text()
    kind = Text()
    rpps = Text(allow_none=True)
    finess = Text(allow_none=True)
    name = Text()
    profession = Text(allow_none=True)
    specialty = Text(allow_none=True)
    category = Text(allow_none=True)
    category_label = Text(allow_none=True)
    address = Text(allow_none=True)
    postcode = Text(allow_none=True)
    commune = Text(allow_none=True)
    location = fields.Method("_location")
    phone = Text(allow_none=True)
    email = Text(allow_none=True)
    mssante = Text(allow_none=True)
    hours = Text(allow_none=True)
    accepting_new_patients = fields.Boolean(allow_none=True)
    typical_delay = Text(allow_none=True)
    languages = fields.List(Text())
    local_notes = fields.List(fields.Dict())
    distance_km = fields.Float()

    def _location(self, item):
        if not item.location:
            return None
        lon, lat = item.location["coordinates"]
        return {"lon": lon, "lat": lat}


class ImportArgs(Schema):
    departement = fields.List(
        Text(validate=validate.Regexp(r"^(\d{2,3}|2A|2B)$")), load_default=list
    )


class ReportOut(Schema):
    id = Text()
    kind = Text()
    source = Text()
    encoding = Text()
    departements = fields.List(Text())
    lines_read = fields.Integer()
    inserted = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    located = fields.Integer()
    outside_territory = fields.Integer()
    rejected_count = fields.Integer()
    rejected = fields.List(fields.Dict())


class RppsOut(Schema):
    rpps = fields.String()
    known = fields.Boolean()
    profession = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
