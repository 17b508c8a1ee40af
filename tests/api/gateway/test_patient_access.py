"""A patient token opens that patient's own things only."""

from services.booking.handlers import weeks
from tests.support.booking import confirmed, next_week, patient


def test_a_patient_token_on_another_patients_data_is_refused(edge):
    weeks.apply_week(confirmed(next_week(2)))
    slots = edge.get("/api/booking/slots?site_id=site-ajain").get_json()
    mine = edge.post(
        "/api/booking/appointments",
        json={"slot_id": slots[0]["id"], "motif": "consultation", "patient": patient(1)},
    ).get_json()
    theirs = edge.post(
        "/api/booking/appointments",
        json={"slot_id": slots[1]["id"], "motif": "consultation", "patient": patient(2)},
    ).get_json()

    exchange = edge.post(
        "/auth/patient", json={"reference": mine["reference"], "token": mine["manage_token"]}
    )
    assert exchange.status_code == 200
    token = exchange.get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    # another patient's appointment: the patient token is no key to it
    other = edge.get(f"/api/booking/appointments/{theirs['reference']}", headers=headers)
    assert other.status_code in (403, 404)
    # another patient's record: not found for this patient
    assert (
        edge.get(f"/api/records/records/{theirs['patient_id']}", headers=headers).status_code == 404
    )
    # a wrong manage token gets no patient token
    wrong = edge.post("/auth/patient", json={"reference": mine["reference"], "token": "x" * 32})
    assert wrong.status_code == 401
