"""A gateway in front of in-process services, all on this test's databases.

``platform`` is the default one; ``make_platform(**settings)`` builds one with
gateway settings of the test's own (``GATEWAY_PUBLIC_WRITE_LIMIT``, ...).
"""

from __future__ import annotations

import pytest

from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from gateway.upstreams import InProcessUpstream
from relais import services


@pytest.fixture
def make_platform(make_config, issuer):
    """``make_platform(**gateway_settings)``: every service app and the gateway in front."""

    def make(**gateway_settings: str):
        key = issuer.public_key_pem
        apps = {
            name: services.create_app(name, make_config(name, jwt_public_key=key))
            for name in services.SERVICES
        }
        config = make_config("gateway", jwt_public_key=key, extra=gateway_settings)
        upstreams = {name: InProcessUpstream(name, app) for name, app in apps.items()}
        gateway = create_gateway(upstreams, GatewaySettings.from_config(config), issuer)
        gateway.services = apps
        return gateway

    return make


@pytest.fixture
def platform(make_platform):
    """Every service app, and the gateway in front of them (in-process upstreams)."""
    return make_platform()


@pytest.fixture
def edge(platform):
    return platform.test_client()
