"""The ids of the current unit of work: an HTTP request or a consumed event.

Kept in context variables so that logs, outgoing events and forwarded requests
pick them up without threading them through every call.
"""

from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def new_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str:
    """The id that ties an event to what caused it (request or upstream event)."""
    return correlation_id.get() or request_id.get() or new_id()


@contextlib.contextmanager
def bound(*, request: str | None = None, correlation: str | None = None):
    tokens = []
    if request is not None:
        tokens.append((request_id, request_id.set(request)))
    if correlation is not None:
        tokens.append((correlation_id, correlation_id.set(correlation)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)
