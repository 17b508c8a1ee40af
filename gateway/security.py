"""Browser defences on every gateway answer: Content-Security-Policy and friends.

Anonymous booking means a patient's "name" may be markup, and staff pages hold
a bearer token in ``sessionStorage``: the pages therefore build their DOM from
text only (``static/app.js``), and the policy makes sure nothing else runs.
Scripts come from the gateway's own files (no inline script, no ``eval``), and
Chromium's Trusted Types refuse any HTML string written into a DOM sink.  The
API documentation page runs Swagger UI, which writes HTML itself (rendered
Markdown), so it gets the same policy without Trusted Types.  JSON answers get
a policy that runs nothing at all.
"""

from __future__ import annotations

from flask import Flask, Response, request

_COMMON = (
    "default-src 'none'",
    "script-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "manifest-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
)
PAGE_POLICY = "; ".join(
    (*_COMMON, "style-src 'self'", "require-trusted-types-for 'script'", "trusted-types 'none'")
)
DOCS_POLICY = "; ".join((*_COMMON, "style-src 'self'"))
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"

_ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the manage link carries the patient's code
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _policy(response: Response) -> str:
    if response.mimetype != "text/html":
        return DATA_POLICY
    return DOCS_POLICY if request.endpoint == "docs.page" else PAGE_POLICY


def install_security_headers(app: Flask) -> None:
    @app.after_request
    def _defend(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _policy(response))
        for name, value in _ALWAYS.items():
            response.headers.setdefault(name, value)
        return response
