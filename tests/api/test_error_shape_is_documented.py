"""The OpenAPI documents describe the errors the services really answer (issue 16: 9)."""

import jsonschema
import pytest

from relais.services import SERVICES
from tests.support.gateway import edge, make_platform, platform

__all__ = ["edge", "make_platform", "platform"]

# a refusal of each kind, from each service: (service, method, path, body)
REFUSALS = [
    ("booking", "GET", "/api/booking/slots", None),  # 422, query field errors
    ("booking", "POST", "/api/booking/appointments", {"slot_id": 5}),  # 422, json
    ("booking", "GET", "/api/booking/appointments/AJN-ZZZZ", None),  # 404
    ("booking", "GET", "/api/booking/patients?phone=0555000000", None),  # 401
    ("roster", "GET", "/api/roster/sites/nowhere", None),  # 404
    ("roster", "POST", "/api/roster/offers", {"weeks": ["9999-W52"]}),  # 401
    ("records", "GET", "/api/records/records/p1", None),  # 401
    ("directory", "GET", "/api/directory/rpps/123", None),  # 4xx
    ("partners", "GET", "/api/partners/partners", None),  # 401
]


@pytest.mark.parametrize("service, method, path, body", REFUSALS)
def test_every_refusal_matches_the_documented_error(edge, service, method, path, body):
    document = edge.get(f"/api/{service}/openapi.json").get_json()
    schema = {**document["components"]["schemas"]["Error"], "components": document["components"]}
    answer = edge.open(path, method=method, json=body)
    assert 400 <= answer.status_code < 500
    jsonschema.validate(answer.get_json(), schema)


@pytest.mark.parametrize("service", SERVICES)
def test_the_error_component_says_status_is_a_number_and_code_a_string(edge, service):
    error = edge.get(f"/api/{service}/openapi.json").get_json()["components"]["schemas"]["Error"]
    assert error["properties"]["status"]["type"] == "integer"
    assert error["properties"]["code"]["type"] == "string"
    assert error.get("additionalProperties") is not False
