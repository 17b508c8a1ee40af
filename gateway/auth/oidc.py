"""The staff pages' login at an external identity provider: authorization code with PKCE.

``GET /auth/oidc/login?next=/centre-appels`` sends the browser to the identity
provider with a one-time ``state`` and a PKCE challenge; the provider sends it
back to ``/auth/oidc/callback`` with a code, which the gateway exchanges (with
the PKCE verifier) for the staff member's access token.  The token is checked
as every API call checks it, then handed to the page in the URL fragment,
which never reaches a server or a log: ``/centre-appels#access_token=...``.
A state is used once and lives ten minutes; ``next`` is a path on this site.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import urllib3
from flask import Blueprint, current_app, redirect, request

from chassis.auth import InvalidToken
from chassis.problems import Problem
from gateway.documents import OidcLogin

PENDING = timedelta(minutes=10)
_http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=3.0, read=10.0))


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


def local_path(next_page: str | None) -> str:
    """``next`` if it is a path on this site, else the home page (no open redirect)."""
    if not next_page or not next_page.startswith("/") or next_page.startswith("//"):
        return "/"
    if "\\" in next_page or urlsplit(next_page).netloc:
        return "/"
    return next_page


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
        response = _http.request_encode_body(  # one call per login: no connection kept
            "POST",
            client.token_url,
            fields=form,
            encode_multipart=False,
            headers={"Connection": "close"},
        )
    except urllib3.exceptions.HTTPError as exc:
        raise ProviderFailed(
            "identity_provider_unreachable", f"the identity provider did not answer: {exc}"
        ) from None
    try:
        body = json.loads(response.data or b"{}")
    except ValueError:
        body = {}
    token = body.get("access_token") if isinstance(body, dict) else None
    if response.status != 200 or not token:
        reason = body.get("error", f"HTTP {response.status}") if isinstance(body, dict) else ""
        raise LoginRefused(
            "login_refused", f"the identity provider gave no token for this login: {reason}"
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
        OidcLogin(
            id=_hash(state),
            verifier=verifier,
            next=local_path(request.args.get("next")),
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
        return redirect(client.authorize_url + separator + urlencode(query), 302)

    @bp.get("/auth/oidc/callback")
    @limit
    def callback():
        client = _client()
        state = request.args.get("state", "")
        pending = OidcLogin._get_collection().find_one_and_delete(
            {"_id": _hash(state), "expires_at": {"$gt": datetime.now(UTC)}}
        )
        if pending is None:
            raise LoginExpired(
                "login_expired", "this login has expired or was already used: log in again"
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
        fragment = urlencode(
            {
                "access_token": token,
                "role": who.role,
                "name": who.name or who.subject,
                "subject": who.subject,
                "sites": ",".join(who.sites),
            }
        )
        response = redirect(f"{pending['next']}#{fragment}", 302)
        response.headers["Cache-Control"] = "no-store"
        return response

    return bp
