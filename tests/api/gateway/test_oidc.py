"""An external OIDC issuer replaces the built-in one by configuration.

A stand-in identity provider signs RS256 tokens with a key made in the test
and serves its JWKS over HTTP; the gateway (both modes) and the services
verify against that JWKS, and the built-in login is switched off.
"""

import time

import jwt
import pytest

from chassis.auth import InvalidToken, TokenIssuer
from chassis.secantus import free_port
from gateway.app import create_app as create_gateway
from gateway.app import create_app_from_env
from gateway.settings import GatewaySettings
from gateway.upstreams import InProcessUpstream
from relais import services
from relais.embedded import Embedded
from services.roster.app import create_app as roster_app
from tests.support.idp import AUDIENCE, ISSUER, stand_in_idp


@pytest.fixture
def oidc():
    """A stand-in identity provider: its RSA key and its JWKS over HTTP."""
    with stand_in_idp() as idp:
        yield idp.key, idp.jwks_url


def idp_token(key, **claims) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "coord-9",
        "iat": now,
        "exp": now + 300,
        "relais_role": "coordinator",
        "sites": ["*"],
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "idp-1"})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def oidc_env(jwks_url: str) -> dict:
    return {
        "OIDC_ISSUER": ISSUER,
        "OIDC_JWKS_URL": jwks_url,
        "OIDC_AUDIENCE": AUDIENCE,
        "OIDC_ROLE_CLAIM": "relais_role",
    }


def built_in_tokens(issuer) -> list[str]:
    """Tokens of the built-in kind: the test's issuer, and one claiming the IdP's name."""
    impostor = TokenIssuer(ISSUER, AUDIENCE)
    return [
        issuer.issue("coord-9", "coordinator", sites=["*"]),
        impostor.issue("coord-9", "coordinator", sites=["*"], relais_role="coordinator"),
    ]


def assert_login_is_off(client) -> None:
    for path, body in [
        ("/auth/login", {"username": "coordination", "password": "relais-demo"}),
        ("/auth/refresh", {"refresh_token": "x" * 20}),
        ("/auth/patient", {"reference": "AJN-7K2Q", "token": "y" * 20}),
    ]:
        response = client.post(path, json=body)
        assert response.status_code == 404, path
        error = response.get_json()
        assert error["code"] == "built_in_login_off"
        assert error["issuer"] == ISSUER
        assert error["message"] == (
            f"the built-in login is off: get a token from the identity provider {ISSUER}"
        )
    jwks = client.get("/.well-known/jwks.json")
    assert jwks.status_code == 404 and jwks.get_json()["code"] == "built_in_login_off"


def test_services_accept_the_external_issuers_tokens_only(make_config, issuer, oidc):
    key, jwks_url = oidc
    config = make_config(
        "roster",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwks_url=jwks_url,
        extra={"OIDC_ROLE_CLAIM": "relais_role"},
    )
    client = roster_app(config).test_client()
    ok = client.get("/doctors", headers=bearer(idp_token(key)))
    assert ok.status_code == 200
    for token in built_in_tokens(issuer):
        assert client.get("/doctors", headers=bearer(token)).status_code == 401
    wrong_aud = idp_token(key, aud="another-app")
    assert client.get("/doctors", headers=bearer(wrong_aud)).status_code == 401


def test_an_rs256_token_where_the_built_in_key_is_expected_is_a_401_not_a_500(
    make_config, issuer, oidc
):
    key, _ = oidc
    config = make_config("roster", jwt_public_key=issuer.public_key_pem)
    client = roster_app(config).test_client()
    token = idp_token(key, iss="relais", aud="relais", role="coordinator")
    response = client.get("/doctors", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["message"] == (
        "invalid token: The specified alg value is not allowed"
    )


@pytest.fixture
def oidc_platform(make_config, oidc):
    """Every service and the gateway in front (in-process), all on the external issuer."""
    _, jwks_url = oidc
    common = {"jwt_issuer": ISSUER, "jwt_audience": AUDIENCE, "jwks_url": jwks_url}
    extra = oidc_env(jwks_url)
    apps = {
        name: services.create_app(name, make_config(name, **common, extra=extra))
        for name in services.SERVICES
    }
    settings = GatewaySettings.from_config(make_config("gateway", **common, extra=extra))
    upstreams = {name: InProcessUpstream(name, app) for name, app in apps.items()}
    return create_gateway(upstreams, settings)  # no signing key: the IdP issues tokens


def test_the_gateway_verifies_the_external_issuers_tokens_at_the_edge(oidc_platform, oidc, issuer):
    key, _ = oidc
    edge = oidc_platform.extensions["relais_gateway"].verifier
    principal = edge.verify(idp_token(key))
    assert (principal.subject, principal.role) == ("coord-9", "coordinator")
    for token in built_in_tokens(issuer):
        with pytest.raises(InvalidToken):
            edge.verify(token)

    client = oidc_platform.test_client()
    through = client.get("/api/roster/doctors", headers=bearer(idp_token(key)))
    assert through.status_code == 200 and through.get_json() == []
    for token in built_in_tokens(issuer):
        refused = client.get("/api/roster/doctors", headers=bearer(token))
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"] == "Bearer"


def test_the_built_in_login_is_off_under_oidc(oidc_platform):
    assert_login_is_off(oidc_platform.test_client())


@pytest.fixture
def gateway_env(monkeypatch, mongo_uri, db_prefix):
    """The local-services mode's environment: no signing key, services on a dead port."""
    for name in ("JWT_PRIVATE_KEY", "JWT_PRIVATE_KEY_FILE", "JWT_PUBLIC_KEY", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MONGODB_URI", mongo_uri)
    monkeypatch.setenv("MONGODB_DB_PREFIX", db_prefix)
    monkeypatch.setenv("GATEWAY_ROSTER_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("GATEWAY_UPSTREAM_TIMEOUT", "2")
    return monkeypatch


def test_the_gateway_process_needs_no_signing_key_under_oidc(gateway_env, oidc, issuer):
    key, jwks_url = oidc
    for name, value in oidc_env(jwks_url).items():
        gateway_env.setenv(name, value)

    client = create_app_from_env().test_client()

    # accepted at the edge, so forwarded: the roster is not running here
    assert client.get("/api/roster/doctors", headers=bearer(idp_token(key))).status_code == 503
    for token in built_in_tokens(issuer):  # refused at the edge, never forwarded
        assert client.get("/api/roster/doctors", headers=bearer(token)).status_code == 401
    assert_login_is_off(client)


def test_without_oidc_the_gateway_process_still_needs_its_signing_key(gateway_env):
    with pytest.raises(SystemExit, match="JWT_PRIVATE_KEY"):
        create_app_from_env()


@pytest.mark.parametrize("missing", ["OIDC_JWKS_URL", "OIDC_ISSUER"])
def test_half_an_oidc_configuration_is_refused_clearly(gateway_env, oidc, missing):
    _, jwks_url = oidc
    for name, value in oidc_env(jwks_url).items():
        if name != missing:
            gateway_env.setenv(name, value)
    with pytest.raises(SystemExit, match="OIDC_ISSUER and OIDC_JWKS_URL"):
        create_app_from_env()


def test_embedded_mode_verifies_the_external_issuer_at_the_edge_and_in_the_services(
    tmp_path, mongo_uri, db_prefix, oidc, issuer
):
    key, jwks_url = oidc
    environ = {
        "MONGODB_URI": mongo_uri,
        "MONGODB_DB_PREFIX": db_prefix,
        "AMQP_URL": "memory://",
        **oidc_env(jwks_url),
    }
    embedded = Embedded(tmp_path / "var", environ=environ, demo=False)
    try:
        gateway = embedded.start()
        client = gateway.test_client()
        through = client.get("/api/roster/doctors", headers=bearer(idp_token(key)))
        assert through.status_code == 200
        roster = embedded.apps["roster"].test_client()
        assert roster.get("/doctors", headers=bearer(idp_token(key))).status_code == 200
        for token in built_in_tokens(issuer):
            assert client.get("/api/roster/doctors", headers=bearer(token)).status_code == 401
            assert roster.get("/doctors", headers=bearer(token)).status_code == 401
        assert_login_is_off(client)
        assert embedded.accounts == []
        assert not (tmp_path / "var" / "jwt-ed25519.pem").exists()  # no key of its own
    finally:
        embedded.stop()
