"""The published language: envelopes, every registered type's sample, AsyncAPI."""

from pathlib import Path

import pytest
import yaml

from contracts.asyncapi import render_internal, render_partner
from contracts.catalog import catalog
from contracts.envelope import InvalidEnvelope, build, encode, parse, validate_envelope
from contracts.registry import EventType
from services.partners.published import partner_view

ROOT = Path(__file__).resolve().parents[2]
PERSONAL = {"family_name", "given_name", "birth_date", "phone", "email", "name_of_patient"}


@pytest.mark.parametrize("event_type", list(catalog()), ids=lambda t: t.type)
def test_every_sample_builds_a_valid_envelope_and_round_trips(event_type: EventType):
    envelope = build(catalog(), event_type.type, event_type.sample, subject="s-1")
    assert validate_envelope(envelope) == {}
    event = parse(encode(envelope), catalog())
    assert event.type == event_type.type == event.routing_key
    assert event.source == f"/relais/{event_type.service}"
    assert event_type.dump(event.data) == envelope["data"]


@pytest.mark.parametrize("event_type", catalog().public(), ids=lambda t: t.type)
def test_public_events_carry_no_personal_or_medical_fields(event_type: EventType):
    declared = set(event_type.schema().fields)
    assert not declared & PERSONAL
    assert not event_type.medical


def test_consumers_ignore_fields_added_later_in_the_same_major_version():
    booked = catalog().get("booking.appointment.booked.v1")
    envelope = build(catalog(), booked.type, booked.sample)
    envelope["data"]["added_in_v1_3"] = "whatever"
    assert "added_in_v1_3" not in parse(envelope, catalog()).data


def test_producers_cannot_publish_an_invalid_payload():
    with pytest.raises(ValueError, match="payload invalid"):
        build(catalog(), "booking.appointment.booked.v1", {"appointment_id": "a"})


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"specversion": "1.0"}', encode({"specversion": "0.3"})],
)
def test_malformed_envelopes_are_refused(body):
    with pytest.raises(InvalidEnvelope):
        parse(body, catalog())


def test_an_unknown_event_type_is_refused():
    booked = catalog().get("booking.appointment.booked.v1")
    envelope = build(catalog(), booked.type, booked.sample)
    envelope["type"] = "booking.appointment.teleported.v1"
    with pytest.raises(InvalidEnvelope, match="unknown event type"):
        parse(envelope, catalog())


def test_asyncapi_for_partners_lists_exactly_the_public_events():
    document = yaml.safe_load(render_partner(catalog(), partner_view()))
    assert document["asyncapi"] == "2.6.0"
    assert set(document["components"]["messages"]) == {t.type for t in catalog().public()}
    for type_, message in document["components"]["messages"].items():
        example = message["examples"][0]["payload"]
        assert example["type"] == type_
        assert validate_envelope(example) == {}


def test_asyncapi_internal_lists_every_event_on_the_events_exchange():
    document = yaml.safe_load(render_internal(catalog()))
    assert set(document["channels"]) == {t.type for t in catalog()}
    for type_, channel in document["channels"].items():
        assert channel["bindings"]["amqp"]["exchange"]["name"] == "relais.events"
        example = document["components"]["messages"][type_]["examples"][0]["payload"]
        assert validate_envelope(example) == {}


def test_the_committed_asyncapi_documents_are_up_to_date():
    committed = (ROOT / "contracts" / "asyncapi.yaml").read_text(encoding="utf-8")
    assert committed == render_partner(catalog(), partner_view()), "run `make asyncapi`"
    internal = (ROOT / "contracts" / "asyncapi-internal.yaml").read_text(encoding="utf-8")
    assert internal == render_internal(catalog()), "run `make asyncapi`"


def test_an_envelope_has_no_null_attribute():
    """CloudEvents has no null attribute: an event without a subject or a correlation id
    leaves them out (the CloudEvents JSON schema and SDKs refuse a null)."""
    event_type = catalog().get("booking.appointment.booked.v1")
    envelope = build(catalog(), event_type.type, event_type.sample)
    assert "subject" not in envelope and "correlationid" not in envelope
    assert None not in envelope.values()
    assert validate_envelope(envelope) == {}
    assert parse(encode(envelope), catalog()).subject is None  # read back as absent
