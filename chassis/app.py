"""The service app factory: what every Relais HTTP service has in common.

A flask-smorest ``Api`` (OpenAPI at ``/openapi.json``), the one JSON error
shape, ``X-Request-Id`` accepted or generated and echoed, JSON access logs,
Prometheus metrics, ``/healthz`` and ``/readyz``.  Nothing is built at import
time: each service's ``create_app(config)`` calls :func:`create_service_app`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable

from flask import Flask, g, request
from flask_smorest import Api, Blueprint

from chassis import context
from chassis.auth import install_auth, verifier_for
from chassis.bodies import install_body_rules
from chassis.config import ServiceConfig
from chassis.errors import ErrorSchema, _http_error, register_error_handlers
from chassis.health import BrokerProbe, Check, database_check, health_blueprint
from chassis.metrics import HTTP_LATENCY, HTTP_REQUESTS

log = logging.getLogger("relais.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_QUIET = {"/healthz", "/readyz", "/metrics"}


class RelaisApi(Api):
    """flask-smorest's Api, answering (and documenting) errors in the one Relais shape."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return _http_error(error)


def _incoming_request_id() -> str:
    candidate = request.headers.get("X-Request-Id", "")
    return candidate if _REQUEST_ID.match(candidate) else context.new_id()


def install_request_context(app: Flask, service: str) -> None:
    @app.before_request
    def _start():
        g.started = time.perf_counter()
        g.request_id = _incoming_request_id()
        g.ctx_tokens = (
            context.request_id.set(g.request_id),
            context.correlation_id.set(request.headers.get("X-Correlation-Id") or g.request_id),
        )

    @app.after_request
    def _finish(response):
        rid = g.get("request_id")
        if rid:
            response.headers["X-Request-Id"] = rid
        route = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        HTTP_REQUESTS.labels(service, request.method, route, response.status_code).inc()
        HTTP_LATENCY.labels(service, route).observe(elapsed)
        if request.path not in _QUIET:
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "ms": round(elapsed * 1000, 1),
                },
            )
        return response

    @app.teardown_request
    def _reset(_exc):
        tokens = g.pop("ctx_tokens", None)
        if tokens:
            context.request_id.reset(tokens[0])
            context.correlation_id.reset(tokens[1])


def create_service_app(
    config: ServiceConfig,
    *,
    title: str,
    blueprints: Iterable[Blueprint] = (),
    checks: dict[str, Check] | None = None,
    description: str = "",
) -> Flask:
    app = Flask(config.service)
    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={"info": {"description": description}},
        JSON_SORT_KEYS=False,
        RELAIS_CONFIG=config,
        PROPAGATE_EXCEPTIONS=False,
        TRAP_HTTP_EXCEPTIONS=False,
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    api = RelaisApi(app)
    register_error_handlers(app)
    install_request_context(app, config.service)
    install_body_rules(app)
    verifier = verifier_for(config)
    install_auth(app, verifier)
    for bp in blueprints:
        api.register_blueprint(bp)
    if checks is None:
        checks = {"database": database_check(config.service), "broker": BrokerProbe(config.bus)}
    scrape = config.setting("METRICS_TOKEN", "") or None
    app.register_blueprint(health_blueprint(config.service, checks, verifier, scrape))
    app.extensions["relais_api"] = api
    return app
