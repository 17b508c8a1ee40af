"""What a partner receives, field by field against the contracts registry."""

import pytest

from chassis.problems import Invalid
from contracts.booking import TRAITS
from contracts.catalog import catalog
from contracts.envelope import build, validate_envelope
from services.partners.domain import check_bindings, for_partner, pseudonym, topic_matches

PERSONAL = {*TRAITS, "family_name", "given_name", "phone", "email", "has_gp"}
MEDICAL = {"reason", "diagnosis", "notes", "prescriptions", "exam", "motif", "motif_label"}


@pytest.mark.parametrize("event_type", catalog().public(), ids=lambda t: t.type)
def test_public_events_reach_partners_with_a_pseudonym_and_nothing_personal(event_type):
    envelope = build(catalog(), event_type.type, event_type.sample)
    received = for_partner(envelope, b"partner-key")
    assert validate_envelope(received) == {}
    declared = set(event_type.schema().fields)
    assert set(received["data"]) <= declared
    assert not set(received["data"]) & (PERSONAL | MEDICAL)
    if "patient_id" in envelope["data"]:
        assert received["data"]["patient_id"] == pseudonym(
            b"partner-key", envelope["data"]["patient_id"]
        )
        assert received["data"]["patient_id"] != envelope["data"]["patient_id"]


def test_pseudonyms_differ_between_partners_and_hold_for_one_partner():
    assert pseudonym(b"a", "pat-1") == pseudonym(b"a", "pat-1")
    assert pseudonym(b"a", "pat-1") != pseudonym(b"b", "pat-1")
    assert pseudonym(b"a", "pat-1") != pseudonym(b"a", "pat-2")


@pytest.mark.parametrize(
    ("pattern", "key", "expected"),
    [
        ("booking.appointment.*.v1", "booking.appointment.booked.v1", True),
        ("booking.#", "booking.appointment.booked.v1", True),
        ("#", "roster.gap.detected.v1", True),
        ("roster.gap.*.v1", "roster.gap.detected.v1", True),
        ("booking.*.v1", "booking.appointment.booked.v1", False),
        ("booking.appointment.#", "booking.appointment", True),
    ],
)
def test_topic_patterns_follow_amqp(pattern, key, expected):
    assert topic_matches(pattern, key) is expected


@pytest.mark.parametrize("pattern", ["booking.#", "#", "booking.patient.*.v1", "*.*.*.v1"])
def test_a_binding_on_internal_events_is_refused(pattern):
    with pytest.raises(Invalid) as refused:
        check_bindings([pattern], catalog())
    assert refused.value.code == "internal_binding"


def test_public_bindings_are_accepted_and_listed():
    covered = check_bindings(["booking.appointment.*.v1", "roster.gap.*.v1"], catalog())
    assert covered["roster.gap.*.v1"] == ["roster.gap.detected.v1"]
    assert "booking.appointment.booked.v1" in covered["booking.appointment.*.v1"]


def test_a_field_the_public_schema_does_not_declare_never_reaches_a_partner():
    booked = catalog().get("booking.appointment.booked.v1")
    envelope = build(catalog(), booked.type, booked.sample)
    envelope["data"] |= {"family_name": "Dupont", "phone": "+33555000000"}  # a newer producer
    envelope["internalroute"] = "booking-7"  # an extension attribute partners are not told of
    received = for_partner(envelope, b"partner-key")
    assert set(received["data"]) == set(build(catalog(), booked.type, booked.sample)["data"])
    assert "internalroute" not in received


def test_a_subject_naming_the_patient_is_pseudonymised_too():
    booked = catalog().get("booking.appointment.booked.v1")
    envelope = build(catalog(), booked.type, booked.sample, subject=booked.sample["patient_id"])
    received = for_partner(envelope, b"partner-key")
    assert received["subject"] == received["data"]["patient_id"]
    assert booked.sample["patient_id"] not in str(received)


def test_an_internal_event_is_never_made_into_a_partner_copy():
    registered = catalog().get("booking.patient.registered.v1")
    with pytest.raises(ValueError, match="not public"):
        for_partner(build(catalog(), registered.type, registered.sample), b"partner-key")


@pytest.mark.parametrize("event_type", catalog().public(), ids=lambda t: t.type)
def test_a_partner_copy_keeps_every_public_value_as_the_producer_wrote_it(event_type):
    envelope = build(catalog(), event_type.type, event_type.sample, subject="s-1")
    received = for_partner(envelope, b"partner-key")
    identity = {"patient_id"}
    assert {k: v for k, v in received["data"].items() if k not in identity} == {
        k: v for k, v in envelope["data"].items() if k not in identity
    }
    assert {k: v for k, v in received.items() if k != "data"} == {
        k: v for k, v in envelope.items() if k != "data"
    }
