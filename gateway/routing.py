"""``/api/<service>/...``: forwarded to the service, request id passed on, no business rules.

At the edge: a bearer token, when present, must be valid (401 otherwise; the
service checks it again), and anonymous callers are rate-limited per address
(writes more tightly than reads).  A service's internal paths (``INTERNAL``)
are not forwarded.  Upstream failures come back in the one JSON
error shape: 503 unavailable, 504 too slow, 502 broken.
"""

from __future__ import annotations

import posixpath

from flask import Blueprint, current_app, g, request
from flask_smorest import abort
from werkzeug.wrappers import Response

from chassis.auth import InvalidToken


def _state():
    return current_app.extensions["relais_gateway"]


_UNSET = object()


def _principal():
    """The caller's verified token (None when anonymous), checked once per request."""
    found = g.get("edge_principal", _UNSET)
    if found is _UNSET:
        found = g.edge_principal = _verified()
    return found


def _verified():
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        abort(
            401,
            message="Authorization must be 'Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        return _state().verifier.verify(token.strip())
    except InvalidToken as exc:
        abort(401, message=f"invalid token: {exc}", headers={"WWW-Authenticate": "Bearer"})


def _staff_or_read() -> bool:
    """Exempt from the write limit: staff, and reads (they have their own limit)."""
    principal = _principal()
    return (principal is not None and principal.role != "patient") or request.method == "GET"


def _staff_or_write() -> bool:
    principal = _principal()
    return (principal is not None and principal.role != "patient") or request.method != "GET"


# paths a service answers only to the gateway itself (the patients' sign-in, whose
# answer the gateway turns into a token): never forwarded from outside
INTERNAL = {"booking": ("sign-in",)}


# uploads larger than a JSON body: the directory's import of the public extractions
LARGE = {"/api/directory/imports/": 2 * 1024**3}


def large_body(path: str) -> int | None:
    return next((limit for prefix, limit in LARGE.items() if path.startswith(prefix)), None)


def _internal(service: str, rest: str) -> bool:
    """Any segment, as sent or with dot segments resolved, naming an internal path (the
    service also refuses them to anything but the gateway's own token)."""
    segments = set(rest.split("/")) | set(posixpath.normpath("/" + rest).split("/"))
    return bool(segments & set(INTERNAL.get(service, ())))


def blueprint(limiter) -> Blueprint:
    bp = Blueprint("routing", __name__)
    settings = lambda: _state().settings  # noqa: E731 - read at request time

    @bp.before_request
    def _edge():
        _principal()

    @bp.route(
        "/api/<service>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], defaults={"rest": ""}
    )
    @bp.route("/api/<service>/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @limiter.limit(
        lambda: settings().public_write_limit, exempt_when=_staff_or_read, scope="public-write"
    )
    @limiter.limit(
        lambda: settings().public_read_limit, exempt_when=_staff_or_write, scope="public-read"
    )
    def forward(service: str, rest: str):
        upstream = _state().upstreams.get(service)
        if upstream is None or _internal(service, rest):
            abort(404, message=f"no such path /api/{service}/{rest}")
        environ = dict(request.environ)
        environ["HTTP_X_REQUEST_ID"] = g.request_id
        return Response.from_app(
            lambda env, start: upstream(env, start, f"/api/{service}"), environ, buffered=True
        )

    return bp
