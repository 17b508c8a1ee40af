"""A service as integration tests run it: its app, and its worker on the real broker."""

from __future__ import annotations

import contextlib
import importlib


@contextlib.contextmanager
def service_with_worker(service: str, make_config, bus_settings, issuer):
    """The service's app, with its worker (outbox relay, consumer, periodic tasks) running."""
    config = make_config(service, bus=bus_settings, jwt_public_key=issuer.public_key_pem)
    app = importlib.import_module(f"services.{service}.app").create_app(config)
    worker = importlib.import_module(f"services.{service}.worker").build_worker(config)
    worker.start()
    try:
        yield app
    finally:
        worker.stop()
