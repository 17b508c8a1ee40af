"""Field shapes shared by several event schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

ISO_WEEK = validate.Regexp(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$", error="ISO week like 2026-W48")
ID = fields.String


class Location(Schema):
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))


class Period(Schema):
    start = fields.AwareDateTime(required=True, format="iso")
    end = fields.AwareDateTime(required=True, format="iso")
