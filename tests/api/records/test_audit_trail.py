"""The care relationship over time, and the audit trail that records every decision.

Time comes from the app's clock (``clock.travel``), never from sleeping.
"""

from __future__ import annotations

from services.records.documents import AuditEntry
from tests.support.records import booked, consulted, on_duty, register, this_week


def last_entry(patient_id: str) -> AuditEntry:
    return AuditEntry.objects(patient_id=patient_id).order_by("-at").first()


def test_a_doctor_whose_week_ended_can_no_longer_read_a_record_read_last_week(
    client, bearer, clock
):
    register("p9")
    on_duty("doc-c", "site-ajain", this_week(-1))
    booked("apt-9", "p9", "site-ajain", this_week(-1))
    headers = bearer("doctor", sub="doc-c")

    clock.travel(weeks=-1)  # during Dr C's week at Ajain, with P9 booked there
    during = client.get("/records/p9", headers=headers)

    assert during.status_code == 200
    entry = last_entry("p9")
    assert (entry.actor, entry.action, entry.outcome) == ("doc-c", "read_record", "allowed")

    clock.travel(weeks=1)  # the week has ended
    after = client.get("/records/p9", headers=headers)

    assert after.status_code == 403
    entry = last_entry("p9")
    assert (entry.actor, entry.action, entry.outcome) == ("doc-c", "read_record", "denied")
    assert entry.reason == "no care relationship with this patient this week"
    assert AuditEntry.objects(patient_id="p9").count() == 2


def test_a_consultation_left_open_does_not_outlive_the_doctors_week(client, bearer, clock, care):
    on_duty("doc-c", "site-ajain", this_week(-1))
    booked("apt-9", "p3", "site-ajain", this_week(-1))
    consultation, _ = consulted("apt-9", "doc-c")  # never closed
    headers = bearer("doctor", sub="doc-c")

    assert client.get("/records/p3", headers=headers).status_code == 403
    assert client.get(f"/consultations/{consultation.id}", headers=headers).status_code == 403
    assert last_entry("p3").outcome == "denied"


def test_only_the_consulting_doctor_writes_a_consultation_and_the_refusal_is_audited(
    client, bearer, care
):
    consultation, _ = consulted("apt-1", "doc-a")
    on_duty("doc-e", "site-ajain")  # the week was handed over: Dr E may read P1's record
    headers = {**bearer("doctor", sub="doc-e"), "X-Request-Id": "not-yours"}

    response = client.patch(
        f"/consultations/{consultation.id}", json={"notes": "x"}, headers=headers
    )

    assert response.status_code == 403
    (entry,) = AuditEntry.objects(request_id="not-yours")
    assert (entry.patient_id, entry.outcome, entry.reason) == (
        "p1",
        "denied",
        "only the consulting doctor writes this consultation",
    )


def test_a_write_refused_for_bad_input_is_audited_as_invalid(client, bearer, care):
    headers = {**bearer("doctor", sub="doc-a"), "X-Request-Id": "bad-input"}

    response = client.post(
        "/records/p1/allergies", json={"substance": "latex", "severity": "deadly"}, headers=headers
    )

    assert response.status_code == 422
    (entry,) = AuditEntry.objects(request_id="bad-input")
    assert (entry.actor, entry.patient_id, entry.action, entry.outcome) == (
        "doc-a",
        "p1",
        "add_allergies",
        "invalid",
    )


def test_an_operator_reading_an_access_log_is_audited_in_it(client, bearer, care):
    operator = bearer("operator", sub="op-1")

    response = client.get("/records/p1/access-log", headers=operator)

    assert response.status_code == 200
    (entry,) = response.get_json()
    assert (entry["actor"], entry["role"], entry["action"], entry["purpose"]) == (
        "op-1",
        "operator",
        "read_access_log",
        "oversight",
    )
    patient = client.get(
        "/records/p1/access-log", headers=bearer("patient", sub="p1", relais_scope="account")
    )
    assert [e["actor"] for e in patient.get_json()] == ["p1", "op-1"]


def test_the_audit_trail_cannot_be_changed_through_the_api(client, care, bearer):
    doctor = bearer("doctor", sub="doc-a")
    client.get("/records/p1", headers=doctor)
    patient = bearer("patient", sub="p1", relais_scope="account")
    log = client.get("/records/p1/access-log", headers=patient)
    assert log.status_code == 200
    assert [e["actor"] for e in log.get_json()][-1] == "doc-a"
    for method in ("PUT", "PATCH", "DELETE"):
        assert (
            client.open("/records/p1/access-log", method=method, headers=patient).status_code == 405
        )
    other = bearer("patient", sub="p2", relais_scope="account")
    assert client.get("/records/p1/access-log", headers=other).status_code == 404
    assert last_entry("p1").outcome == "not_found"
