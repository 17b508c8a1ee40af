"""Liveness (``/healthz``) and readiness (``/readyz``) endpoints, and ``/metrics``.

Readiness runs named checks (database, broker); any failure gives 503 with
what failed, so an orchestrator stops routing traffic to the process.

``/metrics`` tells request volumes by route: it answers Prometheus with the
scrape secret (``Authorization: Metrics <METRICS_TOKEN>``) or an operator's
token, and nobody else (401).
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from collections.abc import Callable

from flask import Blueprint, Response, jsonify, request
from flask_smorest import abort
from kombu import Connection

from chassis import db
from chassis.config import BusSettings
from chassis.metrics import exposition

log = logging.getLogger(__name__)

Check = Callable[[], dict | None]  # returns details, or raises when not ready


class NotReady(Exception):
    def __init__(self, message: str, detail: dict | None = None):
        super().__init__(message)
        self.detail = detail or {}


def database_check(alias: str) -> Check:
    return lambda: db.ping(alias)


class BrokerProbe:
    """A per-process broker connection, opened lazily (after any fork)."""

    def __init__(self, bus: BusSettings, cache_seconds: float = 2.0):
        self.bus = bus
        self.cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._conn: Connection | None = None
        self._checked_at = 0.0
        self._error: Exception | None = None

    def __call__(self) -> dict:
        if self.bus.in_memory:
            return {"transport": "in-process (embedded mode)"}
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at > self.cache_seconds:
                self._error = self._probe()
                self._checked_at = now
            if self._error:
                raise self._error
        return {"transport": "amqp"}

    def _probe(self) -> Exception | None:
        if self._pid != os.getpid() or self._conn is None:
            self._conn = Connection(self.bus.url, heartbeat=0, connect_timeout=2)
            self._pid = os.getpid()
        try:
            self._conn.ensure_connection(max_retries=1, timeout=2)
            self._conn.heartbeat_check()
            self._conn.default_channel  # noqa: B018 - opens a channel: the broker really answers
            return None
        except Exception as exc:  # any failure means not ready
            self._conn.collect()
            self._conn = None
            return ConnectionError(f"broker unreachable: {type(exc).__name__}")


METRICS_SCHEME = "metrics"


def metrics_allowed(verifier, scrape_token: str | None) -> bool:
    """Does this request hold the scrape secret, or an operator's token?"""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == METRICS_SCHEME:
        return bool(scrape_token) and hmac.compare_digest(value.strip(), scrape_token)
    if scheme.lower() != "bearer" or verifier is None:
        return False
    try:
        return verifier.verify(value.strip()).role == "operator"
    except Exception:  # any refusal of the token is a refusal here
        return False


def health_blueprint(
    service: str, checks: dict[str, Check], verifier=None, scrape_token: str | None = None
) -> Blueprint:
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=service)

    @bp.get("/readyz")
    def readyz():
        results, ready = {}, True
        for name, check in checks.items():
            try:
                results[name] = {"status": "ok", **(check() or {})}
            except Exception as exc:  # a readiness probe reports, never raises
                ready = False
                error = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
                results[name] = {"status": "down", "error": error, **getattr(exc, "detail", {})}
        body = {"status": "ready" if ready else "not ready", "service": service, "checks": results}
        return jsonify(body), (200 if ready else 503)

    @bp.get("/metrics")
    def metrics():
        if not metrics_allowed(verifier, scrape_token):
            abort(
                401,
                message="metrics: Authorization: Metrics <METRICS_TOKEN>, or an operator's token",
                headers={"WWW-Authenticate": 'Bearer, Metrics realm="metrics"'},
            )
        payload, content_type = exposition()
        return Response(payload, content_type=content_type)

    return bp
