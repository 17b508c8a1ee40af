"""The staff pages' login at an external identity provider: authorization code with PKCE.

``GET /auth/oidc/login?next=/centre-appels`` sends the browser to the identity
provider with a one-time ``state`` (also set in a cookie of this browser) and
a PKCE challenge; the provider sends it back to ``/auth/oidc/callback`` with a
code.  Only the browser that started the login can finish it: the state must
match its cookie.  The gateway exchanges the code (with the PKCE verifier) for
the staff member's access token, checks it as every API call checks it, and
answers a small page, never cached, that keeps the token in the tab's session
storage and goes on to the staff page: the token is never in an address.
A state is used once and lives ten minutes; ``next`` is one of the staff pages.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import urllib3
from flask import Blueprint, current_app, make_response, redirect, render_template, request

from chassis.auth import InvalidToken
from chassis.problems import Problem
from gateway.documents import OidcLogin

PENDING = timedelta(minutes=10)
COOKIE = "relais_oidc_state"
STAFF_PAGES = {"agent": "/centre-appels", "doctor": "/medecin", "coordinator": "/coordination"}
MAX_ANSWER = 64 * 1024  # a token answer is a few kilobytes
_http = urllib3.PoolManager(
    retries=False, timeout=urllib3.Timeout(connect=3.0, read=10.0, total=15.0)
)


class OidcLoginOff(Problem):
    status = 404


class LoginExpired(Problem):
    status = 400


class LoginRefused(Problem):
    status = 401


class ProviderFailed(Problem):
    status = 502


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _client():
    settings = current_app.extensions["relais_gateway"].settings
    if settings.oidc_client is None:
        raise OidcLoginOff(
            "oidc_login_off",
            "no login at an identity provider here: "
            + (
                "use the built-in login (POST /auth/login)"
                if settings.built_in_login
                else "set OIDC_CLIENT_ID, OIDC_AUTHORIZE_URL and OIDC_TOKEN_URL"
            ),
        )
    return settings.oidc_client


def _answer(response) -> tuple[int, dict | None]:
    """The provider's status and JSON object (None when it is not one), read with a bound."""
    try:
        data = response.read(MAX_ANSWER + 1)
    finally:
        response.release_conn()
    try:
        body = json.loads(data) if len(data) <= MAX_ANSWER else None
    except (ValueError, RecursionError):
        body = None
    return response.status, body if isinstance(body, dict) else None


def _exchange(client, code: str, pending: dict) -> str:
    """The access token the identity provider gives for ``code``."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": pending["redirect_url"],
        "client_id": client.client_id,
        "code_verifier": pending["verifier"],
    }
    if client.client_secret:
        form["client_secret"] = client.client_secret
    try:
        status, body = _answer(
            _http.request_encode_body(  # one call per login: no connection kept
                "POST",
                client.token_url,
                fields=form,
                encode_multipart=False,
                headers={"Connection": "close", "Accept": "application/json"},
                preload_content=False,
            )
        )
    except urllib3.exceptions.HTTPError as exc:
        raise ProviderFailed(
            "identity_provider_unreachable", f"the identity provider did not answer: {exc}"
        ) from None
    if status >= 500 or body is None:
        raise ProviderFailed(
            "identity_provider_failed",
            f"the identity provider answered HTTP {status} without a token: try again later",
        )
    token = body.get("access_token")
    if status != 200 or not isinstance(token, str) or not token:
        raise LoginRefused(
            "login_refused",
            f"the identity provider gave no token for this login: {body.get('error', status)}",
        )
    return token


def blueprint(limiter) -> Blueprint:
    bp = Blueprint("oidc", __name__)
    limit = limiter.limit(lambda: current_app.extensions["relais_gateway"].settings.login_limit)

    @bp.get("/auth/oidc/login")
    @limit
    def login():
        client = _client()
        state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(48)
        redirect_url = client.redirect_url or request.host_url + "auth/oidc/callback"
        asked = request.args.get("next")
        OidcLogin(
            id=_hash(state),
            verifier=verifier,
            next=asked if asked in STAFF_PAGES.values() else "",  # "": the role's own page
            redirect_url=redirect_url,
            expires_at=datetime.now(UTC) + PENDING,
        ).save(force_insert=True)
        query = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": redirect_url,
            "scope": client.scope,
            "state": state,
            "code_challenge": _challenge(verifier),
            "code_challenge_method": "S256",
        }
        separator = "&" if "?" in client.authorize_url else "?"
        response = redirect(client.authorize_url + separator + urlencode(query), 302)
        response.set_cookie(
            COOKIE,
            state,
            max_age=int(PENDING.total_seconds()),
            path="/auth/oidc/",
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",  # sent on the provider's top-level redirect back, not on others
        )
        return response

    @bp.get("/auth/oidc/callback")
    @limit
    def callback():
        client = _client()
        state = request.args.get("state", "")
        mine = request.cookies.get(COOKIE, "")
        pending = None
        if state and mine and secrets.compare_digest(state.encode(), mine.encode()):
            pending = OidcLogin._get_collection().find_one_and_delete(
                {"_id": _hash(state), "expires_at": {"$gt": datetime.now(UTC)}}
            )
        if pending is None:
            raise LoginExpired(
                "login_expired",
                "this login was not started in this browser, has expired or was already used: "
                "log in again",
            )
        if error := request.args.get("error"):
            detail = request.args.get("error_description", "")
            raise LoginRefused(
                "login_refused",
                f"the identity provider refused the login: {error}"
                + (f" ({detail})" if detail else ""),
            )
        code = request.args.get("code", "")
        if not code:
            raise LoginRefused("login_refused", "the identity provider sent no code")
        token = _exchange(client, code, pending)
        verifier = current_app.extensions["relais_gateway"].verifier
        try:
            who = verifier.verify(token)
        except InvalidToken as exc:
            raise LoginRefused(
                "login_refused", f"the identity provider's token is not valid here: {exc}"
            ) from None
        page = render_template(
            "oidc_done.html",
            token=token,
            who={
                "role": who.role,
                "name": who.name or who.subject,
                "subject": who.subject,
                "sites": list(who.sites),
            },
            next=pending["next"] or STAFF_PAGES.get(who.role, "/coordination"),
        )
        response = make_response(page)
        response.headers["Cache-Control"] = "no-store"
        response.delete_cookie(COOKIE, path="/auth/oidc/")
        return response

    return bp
