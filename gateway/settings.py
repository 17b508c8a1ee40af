"""The gateway's settings, from the same environment as every service.

Two ways to authenticate staff: the built-in issuer (the gateway's own login,
signed with ``JWT_PRIVATE_KEY``), or an external OIDC issuer (``OIDC_ISSUER``
with its keys at ``OIDC_JWKS_URL``), which switches the built-in login off.
Under OIDC, ``OIDC_CLIENT_ID`` with ``OIDC_AUTHORIZE_URL`` and ``OIDC_TOKEN_URL``
let staff log in on the pages too (authorization code with PKCE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from chassis.config import ServiceConfig


class OidcMisconfigured(ValueError):
    """Half an OIDC configuration: refused at start rather than guessed."""


@dataclass(frozen=True)
class OidcClient:
    """The gateway as the identity provider's client, for the staff pages' login."""

    client_id: str
    authorize_url: str
    token_url: str
    client_secret: str | None = None  # a confidential client; a public one relies on PKCE
    redirect_url: str | None = None  # else this gateway's /auth/oidc/callback as requested
    scope: str = "openid"
    logout_url: str | None = None  # the provider's end-session endpoint, for shared computers

    @classmethod
    def from_config(cls, config: ServiceConfig) -> OidcClient | None:
        get = config.setting
        client_id = get("OIDC_CLIENT_ID", "")
        if not client_id:
            return None
        authorize_url, token_url = get("OIDC_AUTHORIZE_URL", ""), get("OIDC_TOKEN_URL", "")
        if not (authorize_url and token_url):
            raise OidcMisconfigured(
                "OIDC_CLIENT_ID needs OIDC_AUTHORIZE_URL and OIDC_TOKEN_URL: the identity "
                "provider's endpoints where staff log in and where the gateway gets their token"
            )
        return cls(
            client_id=client_id,
            authorize_url=authorize_url,
            token_url=token_url,
            client_secret=get("OIDC_CLIENT_SECRET", "") or None,
            redirect_url=get("OIDC_REDIRECT_URL", "") or None,
            scope=get("OIDC_SCOPE", "openid"),
            logout_url=get("OIDC_LOGOUT_URL", "") or None,
        )


@dataclass(frozen=True)
class GatewaySettings:
    config: ServiceConfig
    private_key_pem: str | None  # JWT_PRIVATE_KEY: the built-in issuer's Ed25519 key
    access_ttl: timedelta
    refresh_ttl: timedelta
    redis_url: str | None
    login_limit: str
    code_limit: str  # one-time sign-in codes asked, per address
    public_write_limit: str
    public_read_limit: str
    upstream_timeout: float
    oidc_issuer: str | None
    oidc_client: OidcClient | None = None  # the pages' login at the identity provider

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
        if get("OIDC_CLIENT_ID", "") and not oidc_issuer:
            raise OidcMisconfigured(
                "OIDC_CLIENT_ID is the pages' login at an external identity provider: set "
                "OIDC_ISSUER, OIDC_JWKS_URL and OIDC_AUDIENCE too, or leave it out"
            )
        return cls(
            config=config,
            private_key_pem=get("JWT_PRIVATE_KEY", "") or None,
            access_ttl=timedelta(seconds=int(get("JWT_ACCESS_TTL", "900"))),
            refresh_ttl=timedelta(seconds=int(get("JWT_REFRESH_TTL", str(7 * 24 * 3600)))),
            redis_url=get("REDIS_URL", "") or None,
            login_limit=get("GATEWAY_LOGIN_LIMIT", "10 per minute"),
            code_limit=get("GATEWAY_CODE_LIMIT", "5 per minute;20 per hour"),
            public_write_limit=get("GATEWAY_PUBLIC_WRITE_LIMIT", "20 per minute"),
            public_read_limit=get("GATEWAY_PUBLIC_READ_LIMIT", "300 per minute"),
            upstream_timeout=float(get("GATEWAY_UPSTREAM_TIMEOUT", "10")),
            oidc_issuer=oidc_issuer,
            oidc_client=OidcClient.from_config(config) if oidc_issuer else None,
        )
