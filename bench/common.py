"""Shared helpers for the benchmarks: a database and a broker to measure against."""

from __future__ import annotations

import contextlib
import os
import resource
import tempfile

from chassis.secantus import SecantusProcess

DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672//"


def amqp_url() -> str:
    return os.environ.get("AMQP_URL", DEFAULT_AMQP)


@contextlib.contextmanager
def mongo_uri():
    """``MONGODB_URI`` when given, else a SecantusDB server of our own (its own process)."""
    if uri := os.environ.get("MONGODB_URI"):
        yield uri
        return
    with tempfile.TemporaryDirectory(prefix="relais-bench-") as tmp:
        server = SecantusProcess(os.path.join(tmp, "data")).start()
        try:
            yield server.uri
        finally:
            server.stop()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"
