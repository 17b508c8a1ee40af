"""Tokens: every forged or stale one is a 401, at the gateway and again at the service."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest

from chassis.auth import TokenIssuer
from gateway.auth.accounts import create_account

STAFF_ONLY = "/api/roster/doctors"


def _b64(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")


def forged(issuer, kind: str) -> str:
    now = int(time.time())
    claims = {
        "iss": "relais",
        "aud": "relais",
        "sub": "op-1",
        "role": "operator",
        "iat": now,
        "exp": now + 600,
    }
    if kind == "expired":
        return issuer.issue("op-1", "operator", ttl=-60)
    if kind == "wrong audience":
        return TokenIssuer("relais", "somebody-else", issuer.private_key).issue("op-1", "operator")
    if kind == "wrong issuer":
        return TokenIssuer("evil", "relais", issuer.private_key).issue("op-1", "operator")
    if kind == "alg none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    if kind == "HS256 with the public key":
        # the classic confusion attack, built by hand (PyJWT itself refuses to sign it)
        signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(claims)}"
        mac = hmac.new(issuer.public_key_pem.encode(), signing_input.encode(), hashlib.sha256)
        signature = base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")
        return f"{signing_input}.{signature}"
    if kind == "another key":
        return TokenIssuer("relais", "relais").issue("op-1", "operator")
    if kind == "unknown role":
        return issuer.issue("op-1", "superuser")
    raise AssertionError(kind)


KINDS = [
    "expired",
    "wrong audience",
    "wrong issuer",
    "alg none",
    "HS256 with the public key",
    "another key",
    "unknown role",
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_token_is_refused_at_the_gateway(edge, issuer, kind):
    response = edge.get(STAFF_ONLY, headers={"Authorization": f"Bearer {forged(issuer, kind)}"})
    assert response.status_code == 401
    assert response.get_json()["status"] == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_token_is_refused_by_the_service_itself(platform, issuer, kind):
    roster = platform.services["roster"].test_client()
    response = roster.get("/doctors", headers={"Authorization": f"Bearer {forged(issuer, kind)}"})
    assert response.status_code == 401


def test_a_good_token_passes(edge, issuer):
    response = edge.get(
        STAFF_ONLY, headers={"Authorization": f"Bearer {issuer.issue('c', 'coordinator')}"}
    )
    assert response.status_code == 200


def test_staff_log_in_refresh_once_and_a_reused_refresh_token_revokes_the_family(edge):
    create_account("accueil", "s3cret-phrase", "agent", display_name="Accueil")
    wrong = edge.post("/auth/login", json={"username": "accueil", "password": "nope"})
    assert wrong.status_code == 401
    nobody = edge.post("/auth/login", json={"username": "ghost", "password": "nope"})
    assert nobody.status_code == 401
    tokens = edge.post("/auth/login", json={"username": "accueil", "password": "s3cret-phrase"})
    assert tokens.status_code == 200
    body = tokens.get_json()
    assert body["role"] == "agent" and body["expires_in"] == 900
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert edge.get("/api/booking/patients?phone=0555000000", headers=headers).status_code == 200

    first = edge.post("/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert first.status_code == 200
    again = edge.post("/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert again.status_code == 401  # used twice: someone stole it
    newer = edge.post("/auth/refresh", json={"refresh_token": first.get_json()["refresh_token"]})
    assert newer.status_code == 401  # the whole family is revoked


def test_the_jwks_verifies_issued_tokens(edge, issuer):
    keys = edge.get("/.well-known/jwks.json").get_json()["keys"]
    assert keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519"
    public = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(issuer.issue("u", "agent"), public, algorithms=["EdDSA"], audience="relais")
    assert claims["role"] == "agent"


def test_bad_login_input_is_a_422(edge):
    response = edge.post("/auth/login", json={"username": {"$ne": None}, "password": "x"})
    assert response.status_code == 422
    assert "username" in response.get_json()["errors"]["json"]


def test_wrong_passwords_slow_the_account_down_from_any_address(make_platform):
    """Per login name, not per address: thirty addresses with one wrong password each are
    thirty tries at the account (issue 16: 13)."""
    from gateway.auth.accounts import create_account
    from gateway.documents import LoginThrottle

    edge = make_platform(GATEWAY_LOGIN_LIMIT="1000 per minute").test_client()
    create_account("accueil2", "s3cret-phrase", "agent")
    answers = []
    for n in range(7):
        address = {"REMOTE_ADDR": f"10.0.{n}.1"}
        answers.append(
            edge.post(
                "/auth/login",
                json={"username": "accueil2", "password": "nope"},
                environ_base=address,
            )
        )
    assert [a.status_code for a in answers[:5]] == [401] * 5
    assert answers[5].status_code == 401  # the sixth is counted: the account now waits
    throttled = answers[6]
    assert throttled.status_code == 429 and throttled.get_json()["code"] == "login_throttled"
    assert 0 < throttled.get_json()["retry_after"] <= 30
    # even the right password waits; a stranger's name is throttled alike (it tells nothing)
    right = edge.post("/auth/login", json={"username": "accueil2", "password": "s3cret-phrase"})
    assert right.status_code == 429
    for _ in range(7):
        edge.post("/auth/login", json={"username": "nobody-here", "password": "x"})
    ghost = edge.post("/auth/login", json={"username": "nobody-here", "password": "x"})
    assert ghost.status_code == 429
    # once the wait is over, the right password works and the count starts over
    LoginThrottle._get_collection().update_many({}, {"$unset": {"locked_until": ""}})
    again = edge.post("/auth/login", json={"username": "accueil2", "password": "s3cret-phrase"})
    assert again.status_code == 200
    assert LoginThrottle.objects(failures__gt=0).count() == 1  # the stranger's, not hers
