"""One JSON error shape for every 4xx and 5xx, from every service and the gateway.

    {"status": 409, "error": "Conflict", "message": "...",
     "errors": {"json": {"field": ["..."]}},      # field errors, when any
     "conflict": {...},                            # extra details, when any
     "request_id": "..."}

No HTML error page and no traceback ever reaches a client.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, jsonify
from marshmallow import INCLUDE, Schema, fields
from werkzeug.exceptions import HTTPException

from chassis import context
from chassis.problems import Problem

log = logging.getLogger(__name__)

# webargs puts its schema and exception beside the messages: never serialise them.
_NOT_FOR_CLIENTS = {"message", "messages", "headers", "schema", "exc"}


_RESERVED = {"status", "error", "message", "request_id"}


class ErrorSchema(Schema):
    """The one error shape, as the OpenAPI documents describe it (every 4xx and 5xx)."""

    class Meta:
        unknown = INCLUDE  # a refusal's details beside (``candidates``, ``conflict``, ...)

    status = fields.Integer(required=True, metadata={"description": "the HTTP status"})
    error = fields.String(required=True, metadata={"description": "its reason phrase"})
    message = fields.String(required=True, metadata={"description": "what went wrong"})
    code = fields.String(metadata={"description": "a stable code a client can branch on"})
    errors = fields.Dict(
        metadata={"description": "field errors by location: json, query, path, headers"}
    )
    request_id = fields.String(metadata={"description": "the request's X-Request-Id"})


def error_body(status: int, message: str | None = None, /, **details) -> dict:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body = {"status": status, "error": phrase, "message": message or phrase}
    body.update({k: v for k, v in details.items() if v is not None and k not in _RESERVED})
    if rid := context.request_id.get():
        body["request_id"] = rid
    return body


def error_response(status: int, message: str | None = None, /, headers=None, **details):
    response = jsonify(error_body(status, message, **details))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _http_error(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    details = {k: v for k, v in data.items() if k not in _NOT_FOR_CLIENTS}
    if "messages" in data:  # webargs / flask-smorest validation errors
        details["errors"] = data["messages"]
    message = data.get("message") or exc.description
    if exc.code and exc.code >= 500:
        message = HTTPStatus(exc.code).phrase
    headers = dict(data.get("headers") or {})
    if exc.code == 405 and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return error_response(exc.code or 500, message, headers=headers, **details)


def _unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unhandled error", extra={"error_type": type(exc).__name__})
    return error_response(500, "Internal server error")


def _problem(exc: Problem):
    return error_response(exc.status, exc.message, code=exc.code, **exc.details)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(Problem, _problem)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
