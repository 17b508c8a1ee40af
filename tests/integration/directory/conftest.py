"""The directory service with its worker (outbox relay, consumer) on the real broker."""

import pytest

from tests.support.running import service_with_worker


@pytest.fixture
def directory(make_config, bus_settings, issuer):
    with service_with_worker("directory", make_config, bus_settings, issuer) as app:
        yield app
