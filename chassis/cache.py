"""A small time-bounded cache for reference data read on every request (per process).

Values change rarely (a site's visit reasons, its cancellation cut-off); a change
made in another process is seen within ``seconds``.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable

_caches: list[dict] = []


def clear_all() -> None:
    """Forget every cached value (the database behind them changed)."""
    for entries in _caches:
        entries.clear()


def ttl_cache(seconds: float, maxsize: int = 4096):
    def decorate(function: Callable):
        lock = threading.Lock()
        entries: dict = {}
        _caches.append(entries)

        @functools.wraps(function)
        def cached(*args):
            now = time.monotonic()
            with lock:
                hit = entries.get(args)
                if hit and hit[0] > now:
                    return hit[1]
            value = function(*args)
            with lock:
                if len(entries) >= maxsize:
                    entries.clear()
                entries[args] = (now + seconds, value)
            return value

        cached.cache_clear = entries.clear  # type: ignore[attr-defined]
        return cached

    return decorate
