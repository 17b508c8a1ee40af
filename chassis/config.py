"""Settings from environment variables: one typed, frozen object per service.

Every knob a service reads is here, with its variable name, so the README's
table of variables and the code cannot drift apart.  Nothing reads
``os.environ`` anywhere else.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
MEMORY_AMQP_URL = "memory://"


def _floats(raw: str) -> tuple[float, ...]:
    return tuple(float(part) for part in raw.split(",") if part.strip())


def _bool(raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def database_name(mongodb_uri: str, service: str, prefix: str | None = None) -> str:
    """The service's own database: ``<prefix>_<service>``.

    The prefix is ``MONGODB_DB_PREFIX`` when given, else the database named in
    the URI's path, else ``relais``: ``mongodb://h/acme`` gives ``acme_booking``.
    """
    if not prefix:
        prefix = urlsplit(mongodb_uri).path.lstrip("/") or "relais"
    return f"{prefix}_{service}"


def _with_files(env: Mapping[str, str]) -> dict:
    """``X_FILE=/path`` gives ``X`` the file's content (keys, secrets mounted as files)."""
    merged = dict(env)
    for key, path in env.items():
        if key.endswith("_FILE") and key[:-5] not in env and path:
            with contextlib.suppress(OSError), open(path, encoding="utf-8") as secret:
                merged[key[:-5]] = secret.read()
    return merged


def _extra_prefixes(service: str) -> tuple[str, ...]:
    """Variables kept in ``extra``: the service's own, and those the edge needs."""
    return (
        f"{service.upper()}_",
        "OIDC_",
        "JWT_",
        "REDIS_",
        "RELAIS_",
        "RABBITMQ_",
        "SMTP_",
        "SMS_",
    )


@dataclass(frozen=True)
class BusSettings:
    """Where and how events travel."""

    url: str = DEFAULT_AMQP_URL
    exchange: str = "relais.events"
    queue_prefix: str = ""
    queue_type: str = "quorum"  # quorum | classic
    retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0)
    max_attempts: int = 4
    prefetch: int = 100
    heartbeat: int = 30
    publish_timeout: float = 10.0
    outbox_poll_interval: float = 0.2
    outbox_batch: int = 500

    @property
    def in_memory(self) -> bool:
        return self.url.startswith("memory://")


@dataclass(frozen=True)
class ServiceConfig:
    """Everything one service process needs to know about its surroundings."""

    service: str
    mongodb_uri: str
    database: str
    bus: BusSettings = field(default_factory=BusSettings)
    log_level: str = "INFO"
    embedded: bool = False
    jwt_issuer: str = "relais"
    jwt_audience: str = "relais"
    jwt_public_key: str | None = None
    jwks_url: str | None = None  # an external OIDC issuer's keys replace jwt_public_key
    extra: Mapping[str, str] = field(default_factory=dict)  # <SERVICE>_* variables

    def setting(self, name: str, default: str) -> str:
        """A service's own variable, e.g. ``config.setting("ROSTER_GAP_SCAN_SECONDS", "3600")``."""
        return self.extra.get(name, default)

    @classmethod
    def from_env(
        cls, service: str, environ: Mapping[str, str] | None = None, **overrides
    ) -> ServiceConfig:
        env = _with_files(os.environ if environ is None else environ)
        uri = env.get("MONGODB_URI", "mongodb://127.0.0.1:27017/relais")
        bus = BusSettings(
            url=env.get("AMQP_URL", DEFAULT_AMQP_URL),
            exchange=env.get("RELAIS_EXCHANGE", BusSettings.exchange),
            queue_prefix=env.get("RELAIS_QUEUE_PREFIX", ""),
            queue_type=env.get("RELAIS_QUEUE_TYPE", BusSettings.queue_type),
            retry_delays=_floats(env.get("RELAIS_RETRY_DELAYS", "1,5,30")),
            max_attempts=int(env.get("RELAIS_MAX_ATTEMPTS", BusSettings.max_attempts)),
            prefetch=int(env.get("RELAIS_PREFETCH", BusSettings.prefetch)),
            heartbeat=int(env.get("AMQP_HEARTBEAT", BusSettings.heartbeat)),
            publish_timeout=float(env.get("RELAIS_PUBLISH_TIMEOUT", BusSettings.publish_timeout)),
            outbox_poll_interval=float(
                env.get("RELAIS_OUTBOX_POLL", BusSettings.outbox_poll_interval)
            ),
        )
        config = cls(
            service=service,
            mongodb_uri=uri,
            database=database_name(uri, service, env.get("MONGODB_DB_PREFIX")),
            bus=bus,
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            embedded=_bool(env.get("RELAIS_EMBEDDED", "0")),
            jwt_issuer=env.get("OIDC_ISSUER") or env.get("JWT_ISSUER", "relais"),
            jwt_audience=env.get("OIDC_AUDIENCE") or env.get("JWT_AUDIENCE", "relais"),
            jwt_public_key=env.get("JWT_PUBLIC_KEY"),
            jwks_url=env.get("OIDC_JWKS_URL"),
            extra={k: v for k, v in env.items() if k.startswith(_extra_prefixes(service))},
        )
        return replace(config, **overrides) if overrides else config

    def with_bus(self, **changes) -> ServiceConfig:
        return replace(self, bus=replace(self.bus, **changes))
