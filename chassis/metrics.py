"""Prometheus metrics shared by every service in the process.

Labels carry service names, route templates, event types and outcomes only:
never ids, names or anything medical.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

HTTP_REQUESTS = Counter(
    "relais_http_requests_total", "HTTP requests served", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "relais_http_request_duration_seconds", "HTTP request latency", ["service", "route"]
)
EVENTS_PUBLISHED = Counter(
    "relais_events_published_total", "Events confirmed by the broker", ["service", "type"]
)
EVENTS_PUBLISH_FAILED = Counter(
    "relais_events_publish_failed_total",
    "Events the broker returned, refused or did not confirm",
    ["service", "reason"],
)
EVENTS_CONSUMED = Counter(
    "relais_events_consumed_total", "Events consumed", ["service", "type", "outcome"]
)
OUTBOX_PENDING = Gauge(
    "relais_outbox_pending", "Events waiting in outboxes at the last relay pass", ["service"]
)


def exposition() -> tuple[bytes, str]:
    """The metrics text; aggregates gunicorn workers when multiprocess mode is on."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
