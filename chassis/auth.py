"""Tokens and who is asking: JWT verification in every service (defence in depth).

The built-in issuer signs with Ed25519 (``EdDSA``); an external OIDC issuer's
keys come from its JWKS (``RS256``).  Each key verifies only its own algorithm
(never ``none``, never HMAC, no confusion between key types), and issuer,
audience and expiry are always checked.  A service reads
``Authorization: Bearer`` on each request; a bad token is a 401 whatever the
endpoint.  Views then ask :func:`require` for a role, and check the object
(a coordinator's sites, a patient's own appointment) themselves.

``JWT_PUBLIC_KEY`` (PEM) configures the verifier, or ``OIDC_JWKS_URL`` (which
then wins); with none configured nobody can authenticate (never "everybody can").
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from flask import Flask, g, request
from flask_smorest import abort

# asymmetric only: never "none", never HS*; each key verifies its own algorithm
# only (no confusion between key types)
_KEY_ALGORITHMS = ((Ed25519PublicKey, "EdDSA"), (RSAPublicKey, "RS256"))
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
ROLES = ("patient", "agent", "coordinator", "doctor", "operator")
# what a patient token opens (its ``relais_scope`` claim, a name of Relais's own so that
# no provider's standard ``scope`` is ever read as one): the patient's account, or one
# appointment (a token without it opens nothing of a patient's)
SCOPE_CLAIM = "relais_scope"
PATIENT_ACCOUNT, ONE_APPOINTMENT = "account", "appointment"
# the gateway's own calls to a service's internal paths (the patients' sign-in)
GATEWAY_CALL = "gateway"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    sites: tuple[str, ...] = ()
    name: str = ""
    claims: dict = field(default_factory=dict, compare=False)

    @property
    def every_site(self) -> bool:
        """An operator, or staff whose sites are all sites ("*")."""
        return self.role == "operator" or "*" in self.sites

    def may_act_on_site(self, site_id: str) -> bool:
        return self.every_site or site_id in self.sites

    @property
    def patient_id(self) -> str | None:
        """A patient's own id, from a token of their account (signed in with a one-time
        code sent to the contact recorded when staff validated their identity).  None
        for anyone else, and for a token that opens one appointment only."""
        if self.role == "patient" and self.claims.get(SCOPE_CLAIM) == PATIENT_ACCOUNT:
            return self.subject
        return None

    @property
    def is_gateway(self) -> bool:
        """The gateway calling a service's internal path, with a token it signed itself (of
        the least role: anywhere else it opens what an anonymous caller may)."""
        return self.role == "patient" and self.claims.get(SCOPE_CLAIM) == GATEWAY_CALL

    @property
    def appointment_reference(self) -> str | None:
        """The one appointment a patient token from a manage token opens, or None."""
        if self.role == "patient" and self.claims.get(SCOPE_CLAIM) == ONE_APPOINTMENT:
            return self.claims.get("reference")
        return None


class InvalidToken(Exception):
    pass


class TokenVerifier:
    """Checks signature (fixed algorithms), issuer, audience, expiry; keys from a PEM
    (the built-in issuer) or from an external OIDC issuer's JWKS URL."""

    def __init__(
        self,
        public_key_pem: str | None,
        issuer: str,
        audience: str,
        leeway: int = 5,
        jwks_url: str | None = None,
        role_claim: str = "role",
    ):
        self.key = (
            serialization.load_pem_public_key(public_key_pem.encode()) if public_key_pem else None
        )
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300) if jwks_url else None
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.role_claim = role_claim

    def _key_for(self, token: str):
        if self.jwks is not None:
            try:
                return self.jwks.get_signing_key_from_jwt(token).key
            except jwt.PyJWTError as exc:
                raise InvalidToken(str(exc)) from None
        if self.key is None:
            raise InvalidToken("authentication is not configured on this service")
        return self.key

    def verify(self, token: str) -> Principal:
        key = self._key_for(token)
        algorithms = [a for kind, a in _KEY_ALGORITHMS if isinstance(key, kind)]
        if not algorithms:
            raise InvalidToken("the signing key is of an unsupported type")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from None
        role = claims.get(self.role_claim)
        if role not in ROLES:
            raise InvalidToken("unknown role")
        sites = claims.get("sites")
        sites = [] if sites is None else sites
        if not isinstance(sites, list) or not all(isinstance(s, str) for s in sites):
            # "*" alone, or one site as a string, read as a list would be every site or
            # its letters: a claim of another shape is no claim at all
            raise InvalidToken("the sites claim must be a list of site ids")
        if not isinstance(claims["sub"], str):
            raise InvalidToken("the subject must be a string")
        return Principal(
            subject=claims["sub"],
            role=role,
            sites=tuple(sites),
            name=claims.get("name", ""),
            claims=claims,
        )


class TokenIssuer:
    """Signs tokens (the gateway's login; tests).  Keeps its private key to itself."""

    def __init__(self, issuer: str, audience: str, private_key: Ed25519PrivateKey | None = None):
        self.private_key = private_key or Ed25519PrivateKey.generate()
        self.issuer = issuer
        self.audience = audience

    @property
    def public_key_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def issue(self, subject: str, role: str, ttl: int = 900, **claims) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "role": role,
            "iat": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
            **claims,
        }
        return jwt.encode(payload, self.private_key, algorithm="EdDSA")


def verifier_for(config) -> TokenVerifier:
    return TokenVerifier(
        config.jwt_public_key,
        config.jwt_issuer,
        config.jwt_audience,
        jwks_url=config.jwks_url,
        role_claim=config.setting("OIDC_ROLE_CLAIM", "role"),
    )


def install_auth(app: Flask, verifier: TokenVerifier) -> None:
    @app.before_request
    def _authenticate():
        g.principal = None
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "metrics" and request.path.endswith("/metrics"):
            return None  # Prometheus's scrape secret: the metrics view checks it
        if scheme.lower() != "bearer" or not token:
            abort(401, message="Authorization must be 'Bearer <token>'", headers=_CHALLENGE)
        try:
            g.principal = verifier.verify(token.strip())
        except InvalidToken as exc:
            abort(401, message=f"invalid token: {exc}", headers=_CHALLENGE)
        return None


def principal() -> Principal | None:
    return g.get("principal")


def require(*roles: str) -> Principal:
    """The caller, who must hold one of ``roles`` (401 when anonymous, 403 otherwise)."""
    who = principal()
    if who is None:
        abort(401, message="authentication required", headers=_CHALLENGE)
    if who.role not in roles:
        abort(403, message=f"this action needs one of the roles: {', '.join(roles)}")
    return who


def require_site(who: Principal, site_id: str) -> None:
    if not who.may_act_on_site(site_id):
        abort(403, message="you do not coordinate this site")
