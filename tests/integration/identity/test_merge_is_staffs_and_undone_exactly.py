"""The same traits exactly: a provisional identity and a suggested candidate, never a merge
until staff decide; after the merge the doctor sees the whole history; unmerge restores
both records exactly."""

from chassis.testing.waiting import wait_until
from services.booking.documents import Patient
from services.records.documents import AuditEntry, Consultation, IdentityLink, PatientRecord
from tests.support.booking import patient
from tests.support.identity import (
    arrive,
    book_by_phone,
    book_online,
    record_document,
    recorded,
    slots,
    validate,
)

PERSON = patient(
    3,
    birth_name="Fournier",
    first_given_name="Jacqueline",
    birth_date="1951-03-30",
    sex="f",
    birth_place="23096",
)


def records_of(*ids) -> dict:
    """Every records document about these identities, as stored."""
    return {
        "records": {i: record_document(i) for i in ids},
        "consultations": sorted(
            Consultation._get_collection().find({"patient_id": {"$in": list(ids)}}),
            key=lambda d: d["_id"],
        ),
    }


def test_only_staff_merge_the_doctor_then_sees_everything_and_unmerge_restores_both(live, bearer):
    edge = live.edge
    live.confirm_week(doctor_id="doc-a")
    agent, doctor = bearer("agent", sub="agent-1"), bearer("doctor", sub="doc-a")
    free = slots(edge)

    # known at the centre: booked by phone, validated at the desk, with some history
    known = book_by_phone(edge, agent, free[0], PERSON)
    recorded(known)
    validate(edge, agent, known, email="j.fournier@example.org")
    history = edge.post(
        f"/api/records/records/{known['patient_id']}/medical-history",
        json={"text": "Hypertension artérielle", "since": "2012-05-01"},
        headers=doctor,
    )
    assert history.status_code == 201, history.get_json()

    # the same person books online: exactly the same traits, a new provisional identity
    again = book_online(edge, free[3], PERSON)
    recorded(again)
    new_id, known_id = again["patient_id"], known["patient_id"]
    assert new_id != known_id
    assert Patient.objects.get(id=new_id).identity_status == "provisional"
    opened = edge.post(
        "/api/records/consultations", json={"appointment_id": again["id"]}, headers=doctor
    ).get_json()
    edge.patch(
        f"/api/records/consultations/{opened['id']}",
        json={"notes": "Céphalées depuis trois jours"},
        headers=doctor,
    )
    edge.post(
        f"/api/records/records/{new_id}/allergies",
        json={"substance": "Pénicilline", "reaction": "urticaire", "severity": "moderate"},
        headers=doctor,
    )

    # staff are shown the likeness; nothing is merged by itself
    candidates = edge.get(f"/api/booking/patients/{new_id}/candidates", headers=agent).get_json()
    assert [(c["patient"]["id"], c["level"]) for c in candidates] == [(known_id, "exact")]
    record = edge.get(f"/api/records/records/{new_id}", headers=doctor).get_json()
    assert record["medical_history"] == [] and record["identity_status"] == "provisional"
    assert IdentityLink.objects.count() == 0
    # she comes to the desk: validating her as somebody new needs saying so (an exact
    # twin is on file)
    arrive(edge, agent, again)
    twin = edge.post(
        f"/api/booking/patients/{new_id}/validate", json={"document": "cni"}, headers=agent
    )
    assert twin.status_code == 409 and twin.get_json()["code"] == "possible_duplicate"
    assert twin.get_json()["candidates"] == [known_id]
    # an anonymous caller or a patient token cannot merge
    body = {"into": known_id, "reason": "same_person_document"}
    merge_path = f"/api/booking/patients/{new_id}/merge"
    assert edge.post(merge_path, json=body).status_code == 401
    patient_token = bearer("patient", sub=new_id, relais_scope="account")
    assert edge.post(merge_path, json=body, headers=patient_token).status_code == 403
    before = records_of(known_id, new_id)

    # the agent merges: the doctor now reads the whole history, by either id
    merged = edge.post(merge_path, json=body, headers=agent)
    assert merged.status_code == 200 and merged.get_json()["merged_into"] == known_id
    assert wait_until(lambda: IdentityLink.objects(id=new_id, into=known_id).count() == 1)
    for asked in (known_id, new_id):
        whole = edge.get(f"/api/records/records/{asked}", headers=doctor).get_json()
        assert whole["id"] == known_id and whole["merged_identities"] == [new_id]
        assert [h["text"] for h in whole["medical_history"]] == ["Hypertension artérielle"]
        assert [(a["substance"], a["from_identity"]) for a in whole["allergies"]] == [
            ("Pénicilline", new_id)
        ]
        assert [c["id"] for c in whole["consultations"]] == [opened["id"]]
    listed = edge.get(f"/api/booking/patients/{known_id}/appointments", headers=agent).get_json()
    assert {a["reference"] for a in listed} == {known["reference"], again["reference"]}
    found = edge.get(
        "/api/booking/patients", query_string={"family_name": "fournier"}, headers=agent
    ).get_json()
    assert [p["id"] for p in found] == [known_id]  # the merged identity is found through it
    assert records_of(known_id, new_id) == before  # a merge writes no record
    trail = Patient.objects.get(id=new_id).history
    assert [(h["action"], h["by"], h["reason"]) for h in trail] == [
        ("merged", "agent-1", "same_person_document")
    ]

    # merged by mistake: unmerge restores both exactly, and the doctor sees them apart
    undone = edge.post(
        f"/api/booking/patients/{new_id}/unmerge",
        json={"reason": "different_people"},
        headers=agent,
    )
    assert undone.status_code == 200 and undone.get_json()["merged_into"] is None
    assert wait_until(lambda: IdentityLink.objects(id=new_id, into=None).count() == 1)
    assert records_of(known_id, new_id) == before
    apart = edge.get(f"/api/records/records/{known_id}", headers=doctor).get_json()
    assert apart["allergies"] == [] and apart["consultations"] == []
    assert apart["merged_identities"] == []
    own = edge.get(f"/api/records/records/{new_id}", headers=doctor).get_json()
    assert own["id"] == new_id and [a["substance"] for a in own["allergies"]] == ["Pénicilline"]
    assert [h["action"] for h in Patient.objects.get(id=new_id).history] == [
        "merged",
        "unmerged",
    ]
    assert PatientRecord.objects.count() == 2
    # each identity's access log says who joined and split them, and why (codes, not words)
    for identity in (known_id, new_id):
        assert wait_until(
            lambda identity=identity: (
                sorted(
                    (e.action, e.actor, e.reason)
                    for e in AuditEntry.objects(patient_id=identity, purpose="identity_vigilance")
                    if e.action != "validate_identity"
                )
                == [
                    ("merge_identity", "agent-1", "same_person_document"),
                    ("unmerge_identity", "agent-1", "different_people"),
                ]
            )
        )
