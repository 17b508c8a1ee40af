"""``/docs``: one Swagger UI, served from the swagger-ui-bundle package, listing
every service's OpenAPI document, each served with the gateway prefix as server."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from swagger_ui_bundle import swagger_ui_path

from relais.services import SERVICES


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.specs = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs.get("src"))
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs["href"])
        if attrs.get("id") == "swagger-ui":
            self.specs = attrs.get("data-specs", "").split()


def test_the_docs_page_runs_swagger_ui_from_the_package(edge):
    response = edge.get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = Page()
    page.feed(response.get_data(as_text=True))
    assets = [src for src in page.scripts + page.styles if src.startswith("/docs/assets/")]
    assert {Path(a).name for a in assets} >= {
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-ui.css",
    }
    for asset in assets:  # byte for byte the package's files, nothing hand-written
        served = edge.get(asset)
        assert served.status_code == 200, asset
        assert served.data == (Path(swagger_ui_path) / Path(asset).name).read_bytes()
        served.close()


def test_the_docs_page_lists_every_service(edge):
    page = Page()
    page.feed(edge.get("/docs").get_data(as_text=True))
    assert sorted(page.specs) == sorted(SERVICES)


@pytest.mark.parametrize("name", SERVICES)
def test_each_services_document_is_served_with_the_gateway_prefix(edge, name):
    response = edge.get(f"/docs/specs/{name}.json")
    assert response.status_code == 200 and response.is_json
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"]
    assert document["paths"]
    assert document["servers"] == [{"url": f"/api/{name}"}]
    # the same document the service itself publishes, apart from the server
    direct = edge.get(f"/api/{name}/openapi.json").get_json()
    assert document["paths"] == direct["paths"]


def test_an_unknown_services_document_is_a_json_404(edge):
    response = edge.get("/docs/specs/billing.json")
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["message"] == "no service 'billing'"


def test_an_asset_outside_the_package_is_not_served(edge):
    assert edge.get("/docs/assets/../../../etc/passwd").status_code == 404
    assert edge.get("/docs/assets/no-such-file.js").status_code == 404
