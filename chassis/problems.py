"""Exceptions a use case raises to refuse a request; the app factory answers them as JSON.

Each carries a stable ``code`` a client can branch on, a human ``message``,
and ``details`` (e.g. the conflicting object) merged into the error body.
"""

from __future__ import annotations


class Problem(Exception):
    status = 400

    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class Conflict(Problem):
    status = 409


class Forbidden(Problem):
    status = 403


class Invalid(Problem):
    status = 422


class Gone(Problem):
    status = 410


class Unauthorized(Problem):
    status = 401


class TooManyRequests(Problem):
    status = 429


class Unavailable(Problem):
    status = 503


class NotFound(Problem):
    status = 404

    def __init__(self, what: str, ident: str):
        super().__init__("not_found", f"no {what} {ident}", what=what)
