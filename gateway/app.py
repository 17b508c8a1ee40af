"""The gateway app: authentication, routing to the services, rate limits, docs, pages.

``create_app(upstreams, settings, issuer)`` wires it; ``create_app_from_env()``
is the gunicorn entry point of the local services mode (services over HTTP).
The edge checks tokens as the services do: with the built-in issuer's key, or,
under an external OIDC issuer, with that issuer's JWKS (and then the gateway
holds no signing key and its login answers 404).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.test import EnvironBuilder

from chassis.app import install_request_context
from chassis.auth import TokenIssuer, TokenVerifier, verifier_for
from chassis.bodies import install_body_rules
from chassis.config import ServiceConfig
from chassis.db import database, open_database
from chassis.errors import register_error_handlers
from chassis.health import NotReady, health_blueprint
from gateway import docs, pages, routing
from gateway.auth import keys, oidc
from gateway.auth import views as auth_views
from gateway.documents import DOCUMENTS
from gateway.security import install_security_headers
from gateway.settings import GatewaySettings, OidcMisconfigured
from gateway.upstreams import HttpUpstream

log = logging.getLogger(__name__)
SERVICES = ("roster", "booking", "records", "directory", "partners")


@dataclass
class GatewayState:
    settings: GatewaySettings
    issuer: TokenIssuer | None  # None under an external OIDC issuer: the gateway signs nothing
    verifier: TokenVerifier
    upstreams: dict = field(default_factory=dict)

    def call(
        self,
        service: str,
        path: str,
        headers: dict | None = None,
        *,
        method: str = "GET",
        body: dict | None = None,
    ) -> tuple[int, dict]:
        """A request to a service through its upstream (the gateway's own needs)."""
        upstream = self.upstreams[service]
        environ = EnvironBuilder(
            path=f"/api/{service}{path}",
            method=method,
            headers=headers or {},
            json=body,
        ).get_environ()
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"] = int(status.split()[0])

        body = b"".join(upstream(environ, start_response, f"/api/{service}"))
        try:
            return captured.get("status", 502), json.loads(body or b"{}")
        except ValueError:
            return captured.get("status", 502), {}

    def opens(self, reference: str, token: str) -> bool:
        """Does this manage token open this appointment?"""
        status, _ = self.call("booking", f"/appointments/{reference}", {"X-Manage-Token": token})
        return status == 200


def _ready(state: GatewayState, name: str):
    def check() -> dict:
        status, body = state.call(name, "/readyz")
        detail = {"checks": body.get("checks", {})}
        if status != 200:
            raise NotReady(f"{name} is not ready", detail)
        return detail

    return check


def edge_verifier(settings: GatewaySettings, issuer: TokenIssuer | None) -> TokenVerifier:
    """What the edge trusts: the external issuer's JWKS under OIDC, else the built-in key."""
    if not settings.built_in_login:
        return verifier_for(settings.config)
    if issuer is None:
        raise ValueError("the built-in login needs the gateway's signing key (JWT_PRIVATE_KEY)")
    return TokenVerifier(issuer.public_key_pem, issuer.issuer, issuer.audience)


def create_app(
    upstreams: dict,
    settings: GatewaySettings,
    issuer: TokenIssuer | None = None,
    verifier: TokenVerifier | None = None,
) -> Flask:
    app = Flask("gateway")
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    open_database(settings.config, DOCUMENTS)
    state = GatewayState(
        settings,
        issuer if settings.built_in_login else None,
        verifier or edge_verifier(settings, issuer),
        dict(upstreams),
    )
    app.extensions["relais_gateway"] = state
    register_error_handlers(app)
    install_request_context(app, "gateway")
    install_body_rules(app, routing.large_body)
    install_security_headers(app)
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        headers_enabled=True,
        key_prefix=settings.config.setting("GATEWAY_RATE_PREFIX", "relais-gateway"),
        strategy="fixed-window",
    )
    app.extensions["relais_limiter"] = limiter
    app.register_blueprint(auth_views.blueprint(limiter))
    app.register_blueprint(oidc.blueprint(limiter))
    app.register_blueprint(routing.blueprint(limiter))
    app.register_blueprint(docs.blueprint())
    app.register_blueprint(pages.blueprint())
    checks = {name: _ready(state, name) for name in upstreams}
    checks["database"] = lambda: {"database": database(settings.config.service).name}
    scrape = settings.config.setting("METRICS_TOKEN", "") or None
    app.register_blueprint(health_blueprint("gateway", checks, state.verifier, scrape))
    return app


def _from_env():
    """The gateway's parts in the local services mode: services over HTTP."""
    config = ServiceConfig.from_env("gateway")
    try:
        settings = GatewaySettings.from_config(config)
    except OidcMisconfigured as exc:
        raise SystemExit(str(exc)) from None
    issuer = None
    if settings.built_in_login:
        if not settings.private_key_pem:
            raise SystemExit(
                "JWT_PRIVATE_KEY (PEM) is required when the gateway issues tokens "
                "(or set OIDC_ISSUER, OIDC_JWKS_URL and OIDC_AUDIENCE for an external issuer)"
            )
        issuer = TokenIssuer(
            config.jwt_issuer, config.jwt_audience, keys.from_pem(settings.private_key_pem)
        )
    upstreams = {
        name: HttpUpstream(
            name,
            config.setting(f"GATEWAY_{name.upper()}_URL", f"http://127.0.0.1:{8101 + i}"),
            timeout=settings.upstream_timeout,
        )
        for i, name in enumerate(SERVICES)
    }
    return upstreams, settings, issuer, edge_verifier(settings, issuer)


def create_app_from_env():
    """The gunicorn entry point of the local services mode (``GATEWAY_<SERVICE>_URL``)."""
    return create_app(*_from_env())


def gateway_state_from_env() -> GatewayState:
    """The gateway's view of the services, for a command run beside it (demo accounts).

    Under OIDC its ``issuer`` is None: staff accounts live at the identity provider."""
    upstreams, settings, issuer, verifier = _from_env()
    open_database(settings.config, DOCUMENTS)
    return GatewayState(settings, issuer, verifier, upstreams)
