"""How the gateway reaches a service: in-process (embedded mode) or over HTTP.

Both take a WSGI environ and answer like a WSGI app, so the gateway's routing
does not care which one it holds.  Failures of an HTTP upstream become the one
JSON error shape: 503 when the service does not answer (refused), 504 when it
is too slow, 502 when the exchange breaks half way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from urllib.parse import quote

import urllib3

from chassis.errors import error_body

log = logging.getLogger(__name__)

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "host",
}

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


def _json_error(start_response, status: int, message: str, request_id: str | None):
    body = error_body(status, message)
    if request_id:
        body["request_id"] = request_id
    payload = json.dumps(body).encode()
    reason = body["error"]
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    if request_id:
        headers.append(("X-Request-Id", request_id))
    start_response(f"{status} {reason}", headers)
    return [payload]


class InProcessUpstream:
    """Call the service's WSGI app directly, with the mount point moved to SCRIPT_NAME."""

    def __init__(self, name: str, app: WsgiApp):
        self.name = name
        self.app = app

    def __call__(self, environ: dict, start_response, prefix: str):
        environ = dict(environ)
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
        environ["PATH_INFO"] = environ.get("PATH_INFO", "")[len(prefix) :] or "/"
        return self.app(environ, start_response)


def forwarded_path(path: str) -> str:
    """The decoded path the gateway routed, encoded again for the service: the service
    decodes it once and routes exactly what the gateway saw (a ``%2F``, ``%3F`` or
    ``%2573`` in the address stays a character of one segment, never a new path)."""
    return quote(path.encode("latin-1"), safe="/")  # WSGI paths are latin-1 text of bytes


class HttpUpstream:
    """Forward over HTTP with a pool of keep-alive connections."""

    def __init__(self, name: str, base_url: str, timeout: float = 10.0, pool_size: int = 32):
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = urllib3.Timeout(connect=2.0, read=timeout)
        self.pool = urllib3.PoolManager(maxsize=pool_size, block=False, retries=False)

    def __call__(self, environ: dict, start_response, prefix: str):
        path = environ.get("PATH_INFO", "")[len(prefix) :] or "/"
        query = environ.get("QUERY_STRING")
        url = f"{self.base_url}{forwarded_path(path)}" + (f"?{query}" if query else "")
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_") and key[5:].replace("_", "-").lower() not in HOP_BY_HOP
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        request_id = environ.get("HTTP_X_REQUEST_ID")
        try:
            response = self.pool.request(
                environ["REQUEST_METHOD"],
                url,
                body=body,
                headers=headers,
                timeout=self.timeout,
                preload_content=True,
                redirect=False,
            )
        except urllib3.exceptions.NewConnectionError:  # refused: a subclass of the timeout!
            return _json_error(start_response, 503, f"{self.name} is unavailable", request_id)
        except urllib3.exceptions.TimeoutError:
            return _json_error(
                start_response, 504, f"{self.name} did not answer in time", request_id
            )
        except urllib3.exceptions.HTTPError as exc:
            log.warning(
                "upstream failed", extra={"upstream": self.name, "error": type(exc).__name__}
            )
            return _json_error(start_response, 502, f"{self.name} failed to answer", request_id)
        out_headers = [(k, v) for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP]
        out_headers.append(("Content-Length", str(len(response.data))))
        start_response(f"{response.status} {response.reason or ''}".strip(), out_headers)
        return [response.data]
