"""A stand-in OIDC identity provider for tests: its RSA key, JWKS, and a code flow with PKCE.

``/authorize`` logs in ``user`` at once (a staff member already signed in at the
provider) and sends the browser back with a one-time code; ``/token`` gives the
access token for that code only with the PKCE verifier of its challenge.
``/logout`` ends the session there and sends the browser back.
``deny`` makes ``/authorize`` answer ``access_denied`` instead; ``broken`` makes
``/token`` fail as a provider in trouble does (HTTP 503, an HTML page).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import time
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, redirect, request

from chassis.testing.server import serving

ISSUER, AUDIENCE, CLIENT_ID = "https://idp.example", "relais-api", "relais-pages"


class StandInIdp:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.base = ""
        self.user = {"sub": "coord-9", "relais_role": "coordinator", "sites": ["*"]}
        self.deny = False
        self.broken = False
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (challenge, redirect_uri)
        self.logouts: list[dict] = []  # the end-session requests received

    @property
    def jwks_url(self) -> str:
        return self.base + "/jwks"

    def token(self, **claims) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300, **claims}
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "idp-1"})

    def env(self, pages: bool = True) -> dict:
        """The gateway's environment for this provider (with the pages' login, or API only)."""
        env = {
            "OIDC_ISSUER": ISSUER,
            "OIDC_JWKS_URL": self.jwks_url,
            "OIDC_AUDIENCE": AUDIENCE,
            "OIDC_ROLE_CLAIM": "relais_role",
        }
        if pages:
            env |= {
                "OIDC_CLIENT_ID": CLIENT_ID,
                "OIDC_AUTHORIZE_URL": self.base + "/authorize",
                "OIDC_TOKEN_URL": self.base + "/token",
                "OIDC_LOGOUT_URL": self.base + "/logout",
            }
        return env

    def app(self) -> Flask:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": "idp-1", "use": "sig", "alg": "RS256"})
        app = Flask("idp")
        app.get("/jwks")(lambda: {"keys": [public]})

        @app.get("/authorize")
        def authorize():
            args = request.args
            back = args["redirect_uri"]
            if args.get("client_id") != CLIENT_ID or args.get("code_challenge_method") != "S256":
                return {"error": "invalid_request"}, 400
            if self.deny:
                query = {"error": "access_denied", "state": args["state"]}
            else:
                code = secrets.token_urlsafe(16)
                self.codes[code] = (args["code_challenge"], back)
                query = {"code": code, "state": args["state"]}
            return redirect(back + "?" + urlencode(query), 302)

        @app.get("/logout")
        def logout():
            self.logouts.append(dict(request.args))
            return redirect(request.args["post_logout_redirect_uri"], 302)

        @app.post("/token")
        def token():
            form = request.form
            if self.broken:
                return "<html><body>Service Unavailable</body></html>", 503
            if form.get("client_id") != CLIENT_ID or form.get("grant_type") != "authorization_code":
                return {"error": "invalid_client"}, 401
            challenge, back = self.codes.pop(form.get("code", ""), (None, None))
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge is None or challenge != expected or form.get("redirect_uri") != back:
                return {"error": "invalid_grant"}, 400
            return {"access_token": self.token(**self.user), "token_type": "Bearer"}

        return app


@contextlib.contextmanager
def stand_in_idp():
    idp = StandInIdp()
    with serving(idp.app(), threads=4) as base:
        idp.base = base
        yield idp
