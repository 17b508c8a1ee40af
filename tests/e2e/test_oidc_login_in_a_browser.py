"""A coordinator logs in and out on the coordination page at an identity provider, in Chromium.

Every service and the gateway run in-process on a stand-in identity provider
(tests/support/idp.py), served on real sockets; the browser follows the whole
authorization-code round trip and the page then calls the API with the token.
"""

import json
from pathlib import Path

import pytest
import urllib3
from playwright.sync_api import expect, sync_playwright

from chassis.testing.server import serving
from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from gateway.upstreams import InProcessUpstream
from relais import services
from tests.e2e.test_pages_in_a_browser import ARTIFACTS, CHROMIUM, FLAGS
from tests.support.idp import AUDIENCE, ISSUER, stand_in_idp
from tests.support.roster import CENTRE


@pytest.fixture
def site(make_config):
    with stand_in_idp() as idp:
        idp.user = {"sub": "coord-9", "relais_role": "coordinator", "sites": ["*"], "name": "Inès"}
        common = {"jwt_issuer": ISSUER, "jwt_audience": AUDIENCE, "jwks_url": idp.jwks_url}
        extra = idp.env()
        upstreams = {
            name: InProcessUpstream(
                name, services.create_app(name, make_config(name, **common, extra=extra))
            )
            for name in services.SERVICES
        }
        settings = GatewaySettings.from_config(make_config("gateway", **common, extra=extra))
        with serving(create_gateway(upstreams, settings), threads=8) as base:
            operator = idp.token(sub="op-1", relais_role="operator", sites=["*"])
            made = urllib3.request(
                "POST",
                base + "/api/roster/sites",
                body=json.dumps(CENTRE),
                headers={"Authorization": f"Bearer {operator}", "Content-Type": "application/json"},
            )
            assert made.status == 201, made.data
            yield base, idp


def test_a_coordinator_logs_in_at_the_identity_provider_and_works_on_the_page(site):
    site, idp = site
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed (make installs it: apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(locale="fr-FR")
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(site + "/coordination")
            expect(page.get_by_label("Identifiant")).to_have_count(0)
            page.get_by_role("link", name="Se connecter chez le fournisseur d'identité").click()
            expect(page.locator("#whoami")).to_contain_text(
                "Connecté : Inès (coordinator)", timeout=20_000
            )
            assert page.url == site + "/coordination"  # the token left the address bar
            token = page.evaluate("sessionStorage.getItem('relais.token')")
            assert token and token.count(".") == 2
            expect(page.locator("#login")).to_be_hidden()
            # the page works with it: the coverage matrix shows the centre, and its gaps
            expect(page.locator("#matrix")).to_contain_text(CENTRE["name"], timeout=20_000)
            expect(page.locator("#gap-list")).to_contain_text(CENTRE["name"])
            page.screenshot(path=str(ARTIFACTS / "oidc-coordinator.png"), full_page=True)

            # a shared computer: logging out ends the session at the provider too
            page.get_by_role("button", name="Se déconnecter").click()
            expect(
                page.get_by_role("link", name="Se connecter chez le fournisseur d'identité")
            ).to_be_visible(timeout=20_000)
            assert page.url == site + "/coordination"
            assert page.evaluate("sessionStorage.getItem('relais.token')") is None
            assert idp.logouts == [
                {"client_id": "relais-pages", "post_logout_redirect_uri": site + "/coordination"}
            ]
            assert errors == []
        finally:
            browser.close()
