"""The pure access rules: who may do what with a record, a site's items, its counters."""

from __future__ import annotations

import pytest

from services.records.domain import (
    CARE,
    DOCTORS,
    MEDICAL_READ,
    MEDICAL_WRITE,
    Facts,
    decide,
    decide_counters,
    decide_site,
    decide_trail,
    missing,
)

NONE = Facts(record_exists=True)
BOOKED = Facts(record_exists=True, on_duty_with_visit=True)
CONSULTING = Facts(record_exists=True, open_consultation=True)
NO_RECORD = Facts(record_exists=False)


@pytest.mark.parametrize(
    ("role", "subject", "kind", "facts", "roles", "status"),
    [
        ("patient", "p1", MEDICAL_READ, NONE, CARE, 200),
        ("patient", "p1", MEDICAL_WRITE, NONE, CARE, 403),
        ("patient", "p2", MEDICAL_READ, NONE, CARE, 404),
        ("patient", "p1", MEDICAL_READ, NO_RECORD, CARE, 404),
        ("patient", "p1", MEDICAL_READ, NONE, DOCTORS, 403),  # consultations: doctors only
        ("doctor", "doc", MEDICAL_READ, BOOKED, CARE, 200),
        ("doctor", "doc", MEDICAL_WRITE, CONSULTING, DOCTORS, 200),
        ("doctor", "doc", MEDICAL_READ, NONE, CARE, 403),
        ("doctor", "doc", MEDICAL_READ, NO_RECORD, CARE, 404),
        ("agent", "a", MEDICAL_READ, BOOKED, CARE, 403),
        ("coordinator", "c", MEDICAL_READ, BOOKED, CARE, 403),
        ("operator", "o", MEDICAL_READ, NO_RECORD, CARE, 403),  # the role before existence
    ],
)
def test_the_care_relationship_decides_record_access(role, subject, kind, facts, roles, status):
    assert decide(role, subject, "p1", kind, facts, roles).status == status


@pytest.mark.parametrize(
    ("role", "subject", "facts", "status"),
    [
        ("patient", "p1", NONE, 200),
        ("patient", "p2", NONE, 404),
        ("operator", "o", NONE, 200),
        ("operator", "o", NO_RECORD, 404),
        ("doctor", "doc", BOOKED, 403),
        ("agent", "a", NONE, 403),
    ],
)
def test_the_access_log_is_the_patients_and_the_operators(role, subject, facts, status):
    assert decide_trail(role, subject, "p1", facts).status == status


@pytest.mark.parametrize(
    ("role", "on_duty", "status"),
    [("doctor", True, 200), ("doctor", False, 403), ("coordinator", True, 403)],
)
def test_site_items_are_for_the_sites_doctor_on_duty(role, on_duty, status):
    assert decide_site(role, on_duty).status == status


@pytest.mark.parametrize(
    ("role", "may_act", "status"),
    [("coordinator", True, 200), ("coordinator", False, 403), ("doctor", True, 403)],
)
def test_counters_are_for_the_sites_coordinators(role, may_act, status):
    assert decide_counters(role, may_act).status == status


def test_asking_for_something_missing_tells_only_whom_may_ask():
    assert missing("doctor", "consultation", DOCTORS).status == 404
    assert missing("agent", "consultation", DOCTORS).status == 403
    assert [
        d.outcome
        for d in (
            decide("doctor", "doc", "p1", MEDICAL_READ, BOOKED),
            decide("doctor", "doc", "p1", MEDICAL_READ, NONE),
            decide("doctor", "doc", "p1", MEDICAL_READ, NO_RECORD),
        )
    ] == ["allowed", "denied", "not_found"]
