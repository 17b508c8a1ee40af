"""What a request may carry, on any service: 413 past the size, 400 past the nesting, 422
for text that is not Unicode, 404 for ``//`` (issue 16: 1, 2, 3, 11)."""

import json

from tests.unit.chassis.test_app_factory import make_app


def post(client, raw: str | bytes, path="/things/", **headers):
    return client.post(path, data=raw, content_type="application/json", headers=headers)


def test_a_body_over_a_megabyte_is_refused_before_it_is_read():
    client = make_app().test_client()
    refused = post(client, b'{"name": "' + b"x" * 1_100_000 + b'", "size": 1}')
    assert refused.status_code == 413
    assert refused.get_json()["status"] == 413  # the one JSON shape


def test_a_thousand_deep_json_is_a_400_not_a_500():
    client = make_app().test_client()
    for depth in (33, 1000, 100_000):
        refused = post(client, "[" * depth + "]" * depth)
        assert refused.status_code == 400, depth
        assert "nested" in refused.get_json()["message"]
    assert post(client, json.dumps({"name": "a", "size": 1})).status_code == 201


def test_a_lone_surrogate_is_a_field_error():
    client = make_app().test_client()
    refused = post(client, '{"name": "a\\ud800", "size": 1}')
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"] == {"name": ["not valid Unicode text"]}
    deep = post(client, '{"name": "a", "size": 1, "tags": [{"x": "\\udfff"}]}')
    assert deep.get_json()["errors"]["json"] == {"tags.0.x": ["not valid Unicode text"]}


def test_a_double_slash_is_an_unknown_path_in_json():
    client = make_app().test_client()
    response = client.get("//things/")
    assert response.status_code == 404 and response.is_json
