"""Every page carries a strict Content-Security-Policy and the other browser defences.

The policy allows scripts from the gateway's own files only (no inline script,
no ``eval``) and makes Chromium refuse HTML strings in DOM sinks (Trusted
Types), so a patient's name can never become markup or code on a staff page.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gateway.pages import PAGES

STATIC = Path(__file__).resolve().parents[3] / "gateway" / "static"
EVERY_PAGE = [*PAGES, "/docs"]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_every_page_carries_a_strict_content_security_policy(edge, path):
    response = edge.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", list(PAGES))
def test_the_pages_refuse_html_strings_in_dom_sinks(edge, path):
    policy = directives(edge.get(path).headers["Content-Security-Policy"])
    assert policy["require-trusted-types-for"] == ["'script'"]
    assert policy["trusted-types"] == ["'none'"]
    assert policy["style-src"] == ["'self'"]


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self.inline_handlers, self.style_attributes = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.inline_handlers += [name for name in attrs if name.startswith("on")]
        if "style" in attrs:
            self.style_attributes.append(tag)
        if tag == "script":
            self.found.append({"src": attrs.get("src"), "body": ""})
            self._in_script = True

    def handle_endtag(self, tag):
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data):
        if self._in_script:
            self.found[-1]["body"] += data


@pytest.mark.parametrize("path", EVERY_PAGE)
def test_no_page_holds_inline_script_or_style(edge, path):
    parser = Scripts()
    parser.feed(edge.get(path).get_data(as_text=True))
    assert parser.found, "every page loads its script from a file"
    for script in parser.found:
        assert script["src"] and script["src"].startswith("/"), script
        assert not script["body"].strip(), script
    assert parser.inline_handlers == []
    assert parser.style_attributes == []


def test_the_scripts_never_write_html_strings():
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(")
    scripts = sorted(STATIC.glob("*.js"))
    assert scripts
    for script in scripts:
        offending = [
            f"{script.name}:{n}: {line.strip()}"
            for n, line in enumerate(script.read_text().splitlines(), 1)
            if sinks.search(line)
        ]
        assert offending == []


def test_the_api_answers_carry_a_policy_that_runs_nothing(edge):
    response = edge.get("/api/booking/slots?site_id=site-ajain")
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_static_scripts_are_served_as_javascript(edge):
    response = edge.get("/static/app.js")
    assert response.status_code == 200
    assert response.mimetype in {"text/javascript", "application/javascript"}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
