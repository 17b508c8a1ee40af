"""The gateway's own documents (db alias "gateway"): staff accounts, refresh tokens,
and the logins under way at an external identity provider."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    Document,
    IntField,
    ListField,
    StringField,
)

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


class OidcLogin(Document):
    """A login sent to the identity provider, until it comes back (once) or expires."""

    id = StringField(primary_key=True)  # sha256 of the state sent to the identity provider
    verifier = StringField(required=True)  # the PKCE code verifier
    next = StringField(required=True)  # the page to go back to
    redirect_url = StringField(required=True)
    expires_at = DateTimeField(required=True)
    meta = {
        "db_alias": ALIAS,
        "collection": "oidc_logins",
        "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}],
    }


class LoginThrottle(Document):
    """Wrong passwords given for a login name (any name, existing or not): its back-off."""

    id = StringField(primary_key=True)  # sha256 of the login name
    failures = IntField(default=0)
    locked_until = DateTimeField()
    meta = {"db_alias": ALIAS, "collection": "login_throttle"}


DOCUMENTS = [StaffAccount, RefreshToken, OidcLogin, LoginThrottle]
