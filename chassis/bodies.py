"""What a request may carry, checked before any view reads it (every service, the gateway).

- Size: a body over ``MAX_BODY_BYTES`` (1 MB) is a 413 before a byte of it is read
  (its ``Content-Length`` says so; a body without one is cut at the limit).  A view
  that takes a large upload says so with :func:`large_body` (the directory's import).
- JSON: parsed once here, so that the views' own parsers only ever meet JSON that is
  safe: nested deeper than ``MAX_DEPTH`` is a 400 (a thousand brackets would otherwise
  exhaust the parser's recursion); a string that is not valid Unicode (a lone
  surrogate such as ``"\\ud800"``, which no database can store) is a 422 with the
  field's path.
- Paths: ``//`` is an unknown path (404), not a redirect to another one.
"""

from __future__ import annotations

import io
import json

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnprocessableEntity

MAX_BODY_BYTES = 1_000_000
MAX_DEPTH = 32
_LARGE = "relais_large_body"


def large_body(limit: int):
    """Mark a view that accepts a body up to ``limit`` bytes (streamed by the view)."""

    def mark(view):
        setattr(view, _LARGE, limit)
        return view

    return mark


def _limit_for_view() -> int:
    by_path = current_app.extensions.get(_LARGE)  # the gateway: by the path it forwards
    if by_path is not None and (limit := by_path(request.path)):
        return limit
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    cls = getattr(view, "view_class", None)
    method = getattr(cls, request.method.lower(), None) if cls else None
    for candidate in (view, method):
        if candidate is not None and getattr(candidate, _LARGE, None):
            return getattr(candidate, _LARGE)
    return MAX_BODY_BYTES


def _walk(value, path: str, depth: int) -> None:
    """Depth and Unicode of a parsed JSON value, without recursion of its own."""
    stack = [(value, path, depth)]
    while stack:
        item, where, level = stack.pop()
        if level > MAX_DEPTH:
            raise BadRequest(f"the JSON body is nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, str):
            _check_text(item, where)
        elif isinstance(item, dict):
            for key, inner in item.items():
                _check_text(key, where)
                stack.append((inner, f"{where}.{key}" if where else str(key), level + 1))
        elif isinstance(item, list):
            for index, inner in enumerate(item):
                stack.append((inner, f"{where}.{index}" if where else str(index), level + 1))


class InvalidText(UnprocessableEntity):
    def __init__(self, where: str):
        super().__init__("a string of the body is not valid Unicode")
        self.data = {"messages": {"json": {where or "_body": ["not valid Unicode text"]}}}


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidText(where) from None


def _check_body() -> None:
    limit = _limit_for_view()
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"the body is over {limit} bytes")
    if not request.is_json or not request.content_length:
        return
    raw = request.get_data(cache=True)
    # read once here: whoever reads the raw input next (the gateway forwarding it) reads it again
    request.environ["wsgi.input"] = io.BytesIO(raw)
    try:
        parsed = json.loads(raw)
    except RecursionError:
        raise BadRequest(f"the JSON body is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        return  # not JSON: the view's parser says so, in its words (400)
    _walk(parsed, "", 1)


def install_body_rules(app: Flask, large_paths=None) -> None:
    """``large_paths(path)``: a larger limit for a path (the gateway's forwards), or None."""
    if large_paths is not None:
        app.extensions[_LARGE] = large_paths
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_BODY_BYTES)
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = True
    app.before_request(_check_body)
