"""Two people who share a birth name, a given name and a birth date are two patients
with two records: booked online, each doctor in care reads the right one."""

import pytest

from services.booking.documents import Patient
from services.records.documents import PatientRecord
from tests.support.booking import patient
from tests.support.identity import book_online, recorded, slots

SHARED = {"birth_name": "Martin", "first_given_name": "Camille", "birth_date": "1980-06-15"}


@pytest.mark.parametrize(
    "first, second",
    [
        ({"birth_place": "23096", "sex": "f"}, {"birth_place": "87085", "sex": "f"}),  # places
        ({"birth_place": "23096", "sex": "f"}, {"birth_place": "23096", "sex": "m"}),  # sex
    ],
    ids=["different birth places", "different sex"],
)
def test_homonyms_are_two_patients_and_each_doctor_reads_the_right_record(
    live, bearer, first, second
):
    edge = live.edge
    live.confirm_week(doctor_id="doc-a")
    live.confirm_week(
        doctor_id="doc-b", site_id="bus-nord-87", site_code="BUS", assignment_id="asg-bus"
    )
    one = book_online(edge, slots(edge)[0], patient(1, **SHARED, **first))
    two = book_online(edge, slots(edge, "bus-nord-87")[0], patient(2, **SHARED, **second))
    assert one["patient_id"] != two["patient_id"]
    recorded(one)
    recorded(two)
    assert Patient.objects.count() == 2 and PatientRecord.objects.count() == 2

    doctor_a, doctor_b = bearer("doctor", sub="doc-a"), bearer("doctor", sub="doc-b")
    path = "/api/records/records/{}/allergies"
    written = edge.post(
        path.format(one["patient_id"]),
        json={"substance": "Aspirine", "reaction": "œdème", "severity": "severe"},
        headers=doctor_a,
    )
    assert written.status_code == 201, written.get_json()
    written = edge.post(
        "/api/records/records/{}/treatments".format(two["patient_id"]),
        json={"name": "Lévothyroxine", "dose": "75 µg le matin"},
        headers=doctor_b,
    )
    assert written.status_code == 201, written.get_json()

    seen_by_a = edge.get(f"/api/records/records/{one['patient_id']}", headers=doctor_a).get_json()
    seen_by_b = edge.get(f"/api/records/records/{two['patient_id']}", headers=doctor_b).get_json()
    assert [a["substance"] for a in seen_by_a["allergies"]] == ["Aspirine"]
    assert seen_by_a["treatments"] == [] and seen_by_b["allergies"] == []
    assert [t["name"] for t in seen_by_b["treatments"]] == ["Lévothyroxine"]
    assert (seen_by_a["birth_place"], seen_by_a["sex"]) == (first["birth_place"], first["sex"])
    assert (seen_by_b["birth_place"], seen_by_b["sex"]) == (second["birth_place"], second["sex"])
    assert seen_by_a["identity_status"] == seen_by_b["identity_status"] == "provisional"
    # and neither doctor reads the other's patient: no care relationship
    assert (
        edge.get(f"/api/records/records/{two['patient_id']}", headers=doctor_a).status_code == 403
    )
    assert (
        edge.get(f"/api/records/records/{one['patient_id']}", headers=doctor_b).status_code == 403
    )
