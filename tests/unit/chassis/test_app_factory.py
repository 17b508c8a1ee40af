"""The service app factory: one error shape, request ids, health, metrics."""

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from chassis.app import create_service_app
from chassis.auth import TokenIssuer
from chassis.config import BusSettings, ServiceConfig
from chassis.health import NotReady

blp = Blueprint("things", __name__, url_prefix="/things")


class ThingIn(Schema):
    name = fields.String(required=True)
    size = fields.Integer(required=True)


@blp.route("/")
class Things(MethodView):
    @blp.arguments(ThingIn)
    @blp.response(201, ThingIn)
    def post(self, thing):
        return thing


@blp.route("/boom")
class Boom(MethodView):
    def get(self):
        raise RuntimeError("secret internals")


ISSUER = TokenIssuer("relais", "relais")


def make_app(checks=None):
    config = ServiceConfig(
        service="probe",
        mongodb_uri="mongodb://x/relais",
        database="relais_probe",
        bus=BusSettings(url="memory://"),
        jwt_public_key=ISSUER.public_key_pem,
        extra={"METRICS_TOKEN": "scrape-secret-0123456789"},
    )
    ok = {"database": lambda: {"database": "relais_probe"}, "broker": lambda: None}
    return create_service_app(config, title="probe", blueprints=[blp], checks=checks or ok)


@pytest.fixture
def client():
    return make_app().test_client()


def test_field_errors_come_back_as_422_in_the_one_json_shape(client):
    response = client.post("/things/", json={"name": {"$ne": None}, "size": "big", "extra": 1})
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == 422 and body["error"] == "Unprocessable Entity"
    fields_ = body["errors"]["json"]
    assert fields_["name"] == ["Not a valid string."]
    assert fields_["size"] == ["Not a valid integer."]
    assert fields_["extra"] == ["Unknown field."]
    assert body["request_id"] == response.headers["X-Request-Id"]
    assert "schema" not in body and "exc" not in body


def test_malformed_json_is_a_400_json_error_not_an_html_page(client):
    response = client.post("/things/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.is_json and response.get_json()["status"] == 400


def test_unknown_routes_and_methods_answer_json(client):
    assert client.get("/nowhere").get_json()["status"] == 404
    response = client.delete("/things/")
    assert response.status_code == 405 and response.get_json()["error"] == "Method Not Allowed"
    assert "POST" in response.headers["Allow"]


def test_an_unexpected_error_is_a_500_without_traceback(client):
    response = client.get("/things/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["message"] == "Internal server error"
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_request_id_is_echoed_or_generated(client):
    assert (
        client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"]
        == "abc-123"
    )
    generated = client.get("/healthz").headers["X-Request-Id"]
    assert len(generated) == 32
    # a header that could poison logs is replaced, not echoed
    hostile = client.get("/healthz", headers={"X-Request-Id": "x" * 500}).headers["X-Request-Id"]
    assert hostile != "x" * 500


def test_readiness_reports_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["database"] == {"status": "ok", "database": "relais_probe"}


def test_readiness_is_503_when_a_dependency_is_down():
    def broker_down():
        raise NotReady("broker unreachable: ConnectionRefusedError")

    client = make_app({"database": lambda: None, "broker": broker_down}).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["checks"]["broker"]["status"] == "down"
    assert "unreachable" in body["checks"]["broker"]["error"]
    assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_metrics_answer_the_scrape_secret_and_operators_only(client):
    assert client.get("/metrics").status_code == 401
    wrong = {"Authorization": "Metrics not-the-secret"}
    assert client.get("/metrics", headers=wrong).status_code == 401
    doctor = {"Authorization": f"Bearer {ISSUER.issue('doc-1', 'doctor')}"}
    assert client.get("/metrics", headers=doctor).status_code == 401
    operator = {"Authorization": f"Bearer {ISSUER.issue('op-1', 'operator')}"}
    assert client.get("/metrics", headers=operator).status_code == 200
    assert client.get("/metrics", headers=SCRAPE).status_code == 200


SCRAPE = {"Authorization": "Metrics scrape-secret-0123456789"}


def test_metrics_count_requests_by_route_template(client):
    client.post("/things/", json={"name": "a", "size": 1})
    text = client.get("/metrics", headers=SCRAPE).get_data(as_text=True)
    assert (
        'relais_http_requests_total{method="POST",route="/things/",service="probe",status="201"}'
        in text
    )


def test_openapi_document_lists_the_endpoints(client):
    spec = client.get("/openapi.json").get_json()
    assert "/things/" in spec["paths"]
