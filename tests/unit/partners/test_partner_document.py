"""contracts/asyncapi.yaml is what a partner reads: it must show what its queue really holds.

Each example is checked against the envelope the partners fan-out makes of the
same event (services/partners/domain.py), not against the producer's sample.
"""

from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
import yaml

from chassis.config import BusSettings
from contracts.catalog import catalog
from contracts.envelope import build, parse
from services.partners.domain import EXAMPLE_KEY, PSEUDONYM_PATTERN, for_partner
from services.partners.handlers import PartnerSettings

ROOT = Path(__file__).resolve().parents[3]
PUBLIC = catalog().public()
PRODUCTION = PartnerSettings(BusSettings(), {})  # the names a deployment uses


@pytest.fixture(scope="module")
def document() -> dict:
    return yaml.safe_load((ROOT / "contracts" / "asyncapi.yaml").read_text(encoding="utf-8"))


def example_of(document: dict, type_: str) -> dict:
    (example,) = document["components"]["messages"][type_]["examples"]
    return example["payload"]


def validator(document: dict, schema: dict) -> jsonschema.Draft7Validator:
    """A validator for one schema of the document, its ``$ref``s resolved within it."""
    return jsonschema.Draft7Validator({**schema, "components": document["components"]})


@pytest.mark.parametrize("event_type", PUBLIC, ids=lambda t: t.type)
def test_each_example_is_what_the_fan_out_makes_of_that_event(document, event_type):
    shown = example_of(document, event_type.type)
    produced = build(
        catalog(),
        event_type.type,
        event_type.sample,
        subject=shown["subject"],
        correlation_id=shown["correlationid"],
        event_id=shown["id"],
        time=datetime.fromisoformat(shown["time"]),
    )

    assert shown == for_partner(produced, EXAMPLE_KEY)
    parse(shown, catalog())  # a partner's copy is still a valid event of its type
    payload = document["components"]["messages"][event_type.type]["payload"]
    assert list(validator(document, payload).iter_errors(shown)) == []


@pytest.mark.parametrize(
    "event_type", [t for t in PUBLIC if "patient_id" in t.sample], ids=lambda t: t.type
)
def test_examples_show_a_pseudonym_where_relais_has_the_patient_id(document, event_type):
    shown = example_of(document, event_type.type)["data"]["patient_id"]
    assert shown != event_type.sample["patient_id"]
    assert jsonschema.Draft7Validator({"pattern": PSEUDONYM_PATTERN}).is_valid(shown)
    schema = document["components"]["schemas"][event_type.schema.__name__]
    assert schema["properties"]["patient_id"] == {"$ref": "#/components/schemas/PatientPseudonym"}


def test_the_pseudonym_is_named_and_explained(document):
    pseudonym = document["components"]["schemas"]["PatientPseudonym"]
    assert pseudonym["pattern"] == PSEUDONYM_PATTERN
    for words in ("HMAC", "your", "another partner", "same patient"):
        assert words in pseudonym["description"]
    assert "patient_id" in document["info"]["description"]


def test_no_raw_patient_id_and_no_internal_event_is_in_the_document():
    text = (ROOT / "contracts" / "asyncapi.yaml").read_text(encoding="utf-8")
    raw = {t.sample["patient_id"] for t in catalog() if "patient_id" in t.sample}
    assert not [r for r in raw if r in text]
    internal = [t.type for t in catalog() if not t.public]
    assert not [t for t in internal if t in text]
    assert "x-relais-public" not in text


def test_the_channel_is_the_partner_queue_fed_by_the_partners_exchange(document):
    assert list(document["channels"]) == [PRODUCTION.queue("{partner}")]
    channel = document["channels"][PRODUCTION.queue("{partner}")]
    queue = channel["bindings"]["amqp"]
    assert queue["is"] == "queue" and queue["queue"]["name"] == PRODUCTION.queue("{partner}")
    assert queue["queue"]["durable"] is True
    assert "partner" in channel["parameters"]
    explained = channel["description"] + channel["subscribe"]["description"]
    for words in (PRODUCTION.exchange, "direct", "routing key", "--bind", "topic"):
        assert words in explained
    messages = [m["$ref"].rsplit("/", 1)[1] for m in channel["subscribe"]["message"]["oneOf"]]
    assert messages == [t.type for t in PUBLIC]
    assert set(document["components"]["messages"]) == {t.type for t in PUBLIC}


def test_the_server_and_the_partner_s_own_read_only_user_are_described(document):
    (server,) = document["servers"].values()
    assert server["protocol"] == "amqp" and server["security"] == [{"partnerUser": []}]
    assert "vhost" in server["description"]
    scheme = document["components"]["securitySchemes"]["partnerUser"]
    assert scheme["type"] == "userPassword"
    for words in (PRODUCTION.user("{partner}"), "read", "ACCESS_REFUSED", "rotate"):
        assert words in scheme["description"]
