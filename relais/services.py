"""The services of Relais and how to build each one (imported on demand)."""

from __future__ import annotations

import importlib

SERVICES = ("roster", "booking", "records", "directory", "partners")


def create_app(service: str, config=None):
    return importlib.import_module(f"services.{service}.app").create_app(config)


def build_worker(service: str, config=None):
    return importlib.import_module(f"services.{service}.worker").build_worker(config)


SEED_ORDER = ("directory", "roster", "booking", "records")


def seed(service: str) -> bool:
    """Load the service's demo data when it has none (services without seed data: False)."""
    try:
        module = importlib.import_module(f"services.{service}.seed")
    except ModuleNotFoundError:
        return False
    return module.seed()


def documents_of(service: str) -> list:
    return importlib.import_module(f"services.{service}.documents").DOCUMENTS
