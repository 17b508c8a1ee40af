"""The HTTP servers' own refusals in the one JSON error shape too.

A request the server itself cannot parse (a header line over its limit, a bare CR
in a header, a malformed request line) never reaches the app: waitress (embedded
mode, tests) and gunicorn (every web process deployed) answer it with a text or
HTML page of their own.  These hooks make them answer like the apps do
(chassis/errors.py), so a client parses one shape whatever refused it.
"""

from __future__ import annotations

import json
from http import HTTPStatus


def _body(status: int, reason: str, message: str) -> bytes:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else reason
    message = (message or phrase).strip().splitlines()[0][:300] if message else phrase
    return json.dumps({"status": status, "error": phrase, "message": message}).encode()


def _waitress_to_response(self, ident=None):
    body = _body(self.code, self.reason, self.body)
    return f"{self.code} {self.reason}", [("Content-Type", "application/json")], body


def _gunicorn_write_error(sock, status_int, reason, mesg):
    from gunicorn import util

    body = _body(int(status_int), reason, mesg)
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install_for_waitress() -> None:
    import waitress.utilities

    waitress.utilities.Error.to_response = _waitress_to_response


def install_for_gunicorn() -> None:
    import gunicorn.util

    gunicorn.util.write_error = _gunicorn_write_error
