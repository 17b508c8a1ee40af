"""The gateway's settings, from the same environment as every service.

Two ways to authenticate staff: the built-in issuer (the gateway's own login,
signed with ``JWT_PRIVATE_KEY``), or an external OIDC issuer (``OIDC_ISSUER``
with its keys at ``OIDC_JWKS_URL``), which switches the built-in login off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from chassis.config import ServiceConfig


class OidcMisconfigured(ValueError):
    """Half an OIDC configuration: refused at start rather than guessed."""


@dataclass(frozen=True)
class GatewaySettings:
    config: ServiceConfig
    private_key_pem: str | None  # JWT_PRIVATE_KEY: the built-in issuer's Ed25519 key
    access_ttl: timedelta
    refresh_ttl: timedelta
    redis_url: str | None
    login_limit: str
    public_write_limit: str
    public_read_limit: str
    upstream_timeout: float
    oidc_issuer: str | None

    @property
    def built_in_login(self) -> bool:
        """The gateway issues tokens itself, unless an external OIDC issuer does."""
        return not self.oidc_issuer

    @classmethod
    def from_config(cls, config: ServiceConfig) -> GatewaySettings:
        get = config.setting
        oidc_issuer = get("OIDC_ISSUER", "") or None
        if bool(oidc_issuer) != bool(config.jwks_url):
            raise OidcMisconfigured(
                "OIDC_ISSUER and OIDC_JWKS_URL go together (with OIDC_AUDIENCE): set both to "
                "use an external identity provider, or neither for the built-in login"
            )
        return cls(
            config=config,
            private_key_pem=get("JWT_PRIVATE_KEY", "") or None,
            access_ttl=timedelta(seconds=int(get("JWT_ACCESS_TTL", "900"))),
            refresh_ttl=timedelta(seconds=int(get("JWT_REFRESH_TTL", str(7 * 24 * 3600)))),
            redis_url=get("REDIS_URL", "") or None,
            login_limit=get("GATEWAY_LOGIN_LIMIT", "10 per minute"),
            public_write_limit=get("GATEWAY_PUBLIC_WRITE_LIMIT", "20 per minute"),
            public_read_limit=get("GATEWAY_PUBLIC_READ_LIMIT", "300 per minute"),
            upstream_timeout=float(get("GATEWAY_UPSTREAM_TIMEOUT", "10")),
            oidc_issuer=oidc_issuer,
        )
