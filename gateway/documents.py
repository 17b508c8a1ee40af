"""The gateway's own documents (db alias "gateway"): staff accounts and refresh tokens."""

from __future__ import annotations

from mongoengine import BooleanField, DateTimeField, Document, ListField, StringField

ALIAS = "gateway"


class StaffAccount(Document):
    id = StringField(primary_key=True)  # the login name
    password_hash = StringField(required=True)  # argon2id
    role = StringField(required=True, choices=("agent", "coordinator", "doctor", "operator"))
    subject = StringField(required=True)  # token subject: the doctor id for doctors
    sites = ListField(StringField(), default=list)  # coordinators: the sites they run
    display_name = StringField(required=True)
    active = BooleanField(default=True)
    meta = {"db_alias": ALIAS, "collection": "staff"}


class RefreshToken(Document):
    """Stored hashed; used once (rotation); reusing one revokes its whole family."""

    id = StringField(primary_key=True)  # sha256 of the token
    account = StringField(required=True)
    family = StringField(required=True)
    expires_at = DateTimeField(required=True)
    used = BooleanField(default=False)
    revoked = BooleanField(default=False)
    meta = {
        "db_alias": ALIAS,
        "collection": "refresh_tokens",
        "indexes": ["family", {"fields": ["expires_at"], "expireAfterSeconds": 0}],
    }


DOCUMENTS = [StaffAccount, RefreshToken]
