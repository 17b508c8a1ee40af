"""The partners registry (db alias "partners")."""

from __future__ import annotations

from mongoengine import BinaryField, DateTimeField, Document, ListField, StringField

ALIAS = "partners"


class Partner(Document):
    id = StringField(primary_key=True)  # the partner's name
    bindings = ListField(StringField(), required=True)
    pseudonym_key = BinaryField(required=True)  # never leaves Relais
    broker_user = StringField(required=True)
    queue = StringField(required=True)
    created_at = DateTimeField(required=True)
    password_rotated_at = DateTimeField()
    meta = {"db_alias": ALIAS, "collection": "partners"}


DOCUMENTS = [Partner]
