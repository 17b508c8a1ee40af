"""One page documenting every service's API: Swagger UI (from the swagger-ui-bundle package).

Each service's OpenAPI document is fetched through its upstream and served
with ``servers`` set to its gateway prefix, so "Try it out" calls go through
the gateway like any client.
"""

from __future__ import annotations

import io
import json
import sys

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from flask_smorest import abort
from swagger_ui_bundle import swagger_ui_path


def _fetch(upstream, name: str) -> dict:
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = int(status.split()[0])

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": f"/api/{name}/openapi.json",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "gateway",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    body = b"".join(upstream(environ, start_response, f"/api/{name}"))
    if captured.get("status") != 200:
        abort(502, message=f"{name} did not give its API document")
    return json.loads(body)


def blueprint() -> Blueprint:
    bp = Blueprint("docs", __name__, template_folder="templates")

    @bp.get("/docs")
    def page():
        names = sorted(current_app.extensions["relais_gateway"].upstreams)
        return render_template("docs.html", names=names)

    @bp.get("/docs/specs/<name>.json")
    def spec(name: str):
        upstream = current_app.extensions["relais_gateway"].upstreams.get(name)
        if upstream is None:
            abort(404, message=f"no service '{name}'")
        document = _fetch(upstream, name)
        document["servers"] = [{"url": f"/api/{name}"}]
        return jsonify(document)

    @bp.get("/docs/assets/<path:filename>")
    def assets(filename: str):
        return send_from_directory(swagger_ui_path, filename, max_age=86400)

    return bp
