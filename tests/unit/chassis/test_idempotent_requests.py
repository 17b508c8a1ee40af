"""``Idempotency-Key`` refusals are field errors on the header, in the one error shape.

A malformed key and a key reused for another request are both 422s carrying
``errors: {"headers": {"Idempotency-Key": [...]}}``, whichever service uses the
decorator, and the view never runs for them.  Runs on the real database.
"""

import pymongo
import pytest
from flask import abort as flask_abort
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.app import create_service_app
from chassis.config import BusSettings, ServiceConfig
from chassis.idempotent_requests import IdempotencyStore, idempotent

made: list[dict] = []
blp = Blueprint("things", __name__, url_prefix="/things")


def _known(thing_id: str, **_):
    if thing_id != "known":
        flask_abort(404)


@blp.route("/<thing_id>/parts")
class Parts(MethodView):
    @idempotent("parts", before=_known)
    def post(self, thing_id):
        made.append({"thing": thing_id})
        return {"n": len(made)}, 201


@pytest.fixture
def client(mongo_uri, db_prefix):
    made.clear()
    config = ServiceConfig(
        service="probe",
        mongodb_uri=mongo_uri,
        database=f"{db_prefix}_probe",
        bus=BusSettings(url="memory://"),
    )
    ok = {"database": lambda: {}, "broker": lambda: None}
    app = create_service_app(config, title="probe", blueprints=[blp], checks=ok)
    mongo = pymongo.MongoClient(mongo_uri)
    app.extensions["relais_idempotency"] = IdempotencyStore(mongo[config.database])
    yield app.test_client()
    mongo.close()


def post(client, key, body=None, thing="known"):
    return client.post(f"/things/{thing}/parts", json=body or {}, headers={"Idempotency-Key": key})


@pytest.mark.parametrize("key", ["short", "x" * 129, "bad key with spaces", "émoji-🙂-key"])
def test_a_malformed_key_is_a_422_field_error_on_the_header(client, key):
    response = post(client, key)
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == 422 and body["error"] == "Unprocessable Entity"
    assert body["code"] == "idempotency_key_invalid"
    assert body["errors"] == {"headers": {"Idempotency-Key": [body["message"]]}}
    assert made == []


def test_a_key_reused_for_another_request_is_a_422_field_error_on_the_header(client):
    assert post(client, "key-0001-reused", {"a": 1}).status_code == 201
    response = post(client, "key-0001-reused", {"a": 2})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "idempotency_key_reused"
    assert body["errors"] == {"headers": {"Idempotency-Key": [body["message"]]}}
    assert made == [{"thing": "known"}]


def test_a_retry_gets_the_first_answer(client):
    first = post(client, "key-0002-retry", {"a": 1})
    retry = post(client, "key-0002-retry", {"a": 1})
    assert retry.status_code == 201 and retry.get_data() == first.get_data()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(made) == 1


def test_the_check_before_runs_first_even_for_a_replay(client):
    assert post(client, "key-0003-before").status_code == 201
    # the key opens nothing by itself: the check refuses before any replay or 422
    assert post(client, "key-0003-before", thing="unknown").status_code == 404
    assert len(made) == 1
