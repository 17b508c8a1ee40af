"""Staff log in on the pages at an external identity provider (authorization code + PKCE).

The gateway runs in-process in front of the roster, both on a stand-in
identity provider served over HTTP (tests/support/idp.py); the browser's hops
to and from the provider are made here by hand, one request each (the Flask
test client keeps the gateway's cookies, as the browser would).
"""

import json
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import urllib3

from chassis.secantus import free_port
from gateway.app import create_app as create_gateway
from gateway.documents import OidcLogin
from gateway.settings import GatewaySettings, OidcMisconfigured
from gateway.upstreams import InProcessUpstream
from relais import services
from relais.embedded import Embedded
from tests.support.idp import AUDIENCE, ISSUER, stand_in_idp

http = urllib3.PoolManager(retries=False, headers={"Connection": "close"})


@pytest.fixture
def idp():
    with stand_in_idp() as idp:
        yield idp


def gateway_on(make_config, idp, pages=True, **overrides):
    common = {"jwt_issuer": ISSUER, "jwt_audience": AUDIENCE, "jwks_url": idp.jwks_url}
    extra = idp.env(pages=pages) | overrides
    roster = services.create_app("roster", make_config("roster", **common, extra=extra))
    settings = GatewaySettings.from_config(make_config("gateway", **common, extra=extra))
    return create_gateway({"roster": InProcessUpstream("roster", roster)}, settings).test_client()


@pytest.fixture
def gateway(make_config, idp):
    return gateway_on(make_config, idp)


def to_the_provider(gateway, next_page="/centre-appels") -> str:
    """Start a login on the gateway; the provider's answer: where it sends the browser back."""
    start = gateway.get("/auth/oidc/login", query_string={"next": next_page})
    assert start.status_code == 302
    answer = http.request("GET", start.headers["Location"], redirect=False)
    assert answer.status == 302
    return answer.headers["Location"]


def back_at_the_gateway(gateway, location: str):
    url = urlsplit(location)
    assert url.path == "/auth/oidc/callback"
    return gateway.get(url.path + "?" + url.query)


class _Handed(HTMLParser):
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "oidc-done":
            self.handed = attrs


def handed(back) -> dict:
    """What the gateway's answer hands the page: the token, who it is, the page to go on to."""
    assert back.status_code == 200 and back.headers["Cache-Control"] == "no-store"
    parser = _Handed()
    parser.feed(back.get_data(as_text=True))
    attrs = parser.handed
    return {"token": attrs["data-token"], "who": json.loads(attrs["data-who"]), **attrs}


def test_a_coordinator_logs_in_at_the_provider_and_the_page_gets_a_working_token(gateway, idp):
    idp.user = {"sub": "coord-9", "relais_role": "coordinator", "sites": ["*"], "name": "Inès"}
    start = gateway.get("/auth/oidc/login", query_string={"next": "/coordination"})
    sent = parse_qs(urlsplit(start.headers["Location"]).query)
    assert sent["client_id"] == ["relais-pages"] and sent["response_type"] == ["code"]
    assert sent["code_challenge_method"] == ["S256"] and len(sent["code_challenge"][0]) == 43
    assert sent["redirect_uri"] == ["http://localhost/auth/oidc/callback"]
    cookie = start.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/auth/oidc/" in cookie
    answer = http.request("GET", start.headers["Location"], redirect=False)

    given = handed(back_at_the_gateway(gateway, answer.headers["Location"]))

    assert given["data-next"] == "/coordination"
    who = {"role": "coordinator", "name": "Inès", "subject": "coord-9", "sites": ["*"]}
    assert given["who"] == who
    bearer = {"Authorization": "Bearer " + given["token"]}
    assert gateway.get("/api/roster/doctors", headers=bearer).status_code == 200


def test_a_login_comes_back_once(gateway):
    location = to_the_provider(gateway)
    assert back_at_the_gateway(gateway, location).status_code == 200
    again = back_at_the_gateway(gateway, location)
    assert again.status_code == 400
    assert again.get_json()["code"] == "login_expired"
    forged = gateway.get("/auth/oidc/callback", query_string={"code": "x", "state": "made-up"})
    assert forged.status_code == 400 and forged.get_json()["code"] == "login_expired"
    assert gateway.get("/auth/oidc/callback").get_json()["code"] == "login_expired"


def test_only_the_browser_that_started_a_login_can_finish_it(gateway, make_config, idp):
    location = to_the_provider(gateway)
    elsewhere = gateway_on(make_config, idp)  # another browser: no cookie of this login
    refused = back_at_the_gateway(elsewhere, location)
    assert refused.status_code == 400 and refused.get_json()["code"] == "login_expired"
    assert refused.get_json()["message"] == (
        "this login was not started in this browser, has expired or was already used: log in again"
    )
    assert handed(back_at_the_gateway(gateway, location))["token"]  # the right one still can


def test_a_login_older_than_ten_minutes_is_over(gateway):
    location = to_the_provider(gateway)
    OidcLogin._get_collection().update_many(
        {}, {"$set": {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}}
    )
    late = back_at_the_gateway(gateway, location)
    assert late.status_code == 400 and late.get_json()["code"] == "login_expired"


def test_the_provider_refuses_a_code_with_another_logins_verifier(gateway):
    first = to_the_provider(gateway)
    second = to_the_provider(gateway)  # this browser's cookie now holds the second state
    code = parse_qs(urlsplit(first).query)["code"]
    state = parse_qs(urlsplit(second).query)["state"]
    refused = gateway.get("/auth/oidc/callback", query_string={"code": code, "state": state})
    assert refused.status_code == 401
    assert refused.get_json()["message"] == (
        "the identity provider gave no token for this login: invalid_grant"
    )


def test_a_provider_in_trouble_is_a_502_not_a_refusal(gateway, idp):
    location = to_the_provider(gateway)
    idp.broken = True
    failed = back_at_the_gateway(gateway, location)
    assert failed.status_code == 502
    assert failed.get_json()["code"] == "identity_provider_failed"
    assert failed.get_json()["message"] == (
        "the identity provider answered HTTP 503 without a token: try again later"
    )


def test_a_provider_out_of_reach_is_a_502_that_says_so(make_config, idp):
    dead = f"http://127.0.0.1:{free_port()}/token"
    gateway = gateway_on(make_config, idp, OIDC_TOKEN_URL=dead)
    failed = back_at_the_gateway(gateway, to_the_provider(gateway))
    assert failed.status_code == 502
    assert failed.get_json()["code"] == "identity_provider_unreachable"
    assert failed.get_json()["message"].startswith("the identity provider did not answer")


@pytest.mark.parametrize(
    "asked",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "",
        "javascript:x",
        "/coordination\r\nSet-Cookie: a=b",
        "/coordination#x",
        "/rdv",
    ],
)
def test_the_way_on_is_a_staff_page_whatever_was_asked(gateway, idp, asked):
    idp.user = {"sub": "agent-3", "relais_role": "agent", "sites": ["site-ajain"]}
    given = handed(back_at_the_gateway(gateway, to_the_provider(gateway, asked)))
    assert given["data-next"] == "/centre-appels"  # the agent's page


def test_a_refusal_at_the_provider_is_said_plainly(gateway, idp):
    idp.deny = True
    refused = back_at_the_gateway(gateway, to_the_provider(gateway))
    assert refused.status_code == 401
    assert refused.get_json()["message"] == "the identity provider refused the login: access_denied"


def test_a_provider_token_without_a_relais_role_is_refused(gateway, idp):
    idp.user = {"sub": "someone", "sites": []}
    refused = back_at_the_gateway(gateway, to_the_provider(gateway))
    assert refused.status_code == 401
    assert refused.get_json()["message"] == (
        "the identity provider's token is not valid here: unknown role"
    )


def test_the_staff_pages_offer_the_providers_login_instead_of_a_password(gateway, idp):
    page = gateway.get("/centre-appels").get_data(as_text=True)
    assert 'href="/auth/oidc/login?next=%2Fcentre-appels"' in page
    assert 'type="password"' not in page
    assert f'data-provider-logout="{idp.base}/logout"' in page  # logging out ends it there too


def test_without_a_client_the_pages_login_is_off_and_says_what_to_set(make_config, idp):
    gateway = gateway_on(make_config, idp, pages=False)
    off = gateway.get("/auth/oidc/login")
    assert off.status_code == 404
    assert off.get_json()["message"] == (
        "no login at an identity provider here: "
        "set OIDC_CLIENT_ID, OIDC_AUTHORIZE_URL and OIDC_TOKEN_URL"
    )


def test_a_client_id_without_the_providers_endpoints_is_refused_at_start(make_config, idp):
    extra = idp.env() | {"OIDC_TOKEN_URL": ""}
    with pytest.raises(OidcMisconfigured, match="OIDC_AUTHORIZE_URL and OIDC_TOKEN_URL"):
        GatewaySettings.from_config(make_config("gateway", jwks_url=idp.jwks_url, extra=extra))


def test_a_client_id_without_an_issuer_is_refused_at_start(make_config, idp):
    extra = {k: v for k, v in idp.env().items() if not k.startswith(("OIDC_ISSUER", "OIDC_JWKS"))}
    with pytest.raises(OidcMisconfigured, match="set OIDC_ISSUER, OIDC_JWKS_URL"):
        GatewaySettings.from_config(make_config("gateway", extra=extra))


def test_relais_run_refuses_it_too_before_starting_anything(tmp_path, idp):
    environ = idp.env() | {"OIDC_AUTHORIZE_URL": "", "AMQP_URL": "memory://"}
    with pytest.raises(SystemExit, match="OIDC_AUTHORIZE_URL and OIDC_TOKEN_URL"):
        Embedded(tmp_path / "var", environ=environ, demo=False).start()
    assert not (tmp_path / "var").exists()


def test_the_built_in_login_keeps_its_form_and_has_no_provider_login(client_with_built_in_login):
    page = client_with_built_in_login.get("/centre-appels").get_data(as_text=True)
    assert 'type="password"' in page and "/auth/oidc/login" not in page
    off = client_with_built_in_login.get("/auth/oidc/login")
    assert off.status_code == 404 and off.get_json()["code"] == "oidc_login_off"


@pytest.fixture
def client_with_built_in_login(make_config, issuer):
    settings = GatewaySettings.from_config(make_config("gateway"))
    return create_gateway({}, settings, issuer).test_client()
