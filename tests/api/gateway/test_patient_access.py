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


def test_a_manage_code_with_a_line_break_is_a_field_error(edge):
    refused = edge.post("/auth/patient", json={"reference": "AJN-7K3Q", "token": "abcdefghij\nX"})
    assert refused.status_code == 422 and "token" in refused.get_json()["errors"]["json"]


def test_the_token_of_one_appointment_names_no_patient(edge):
    weeks.apply_week(confirmed(next_week(2)))
    slot = edge.get("/api/booking/slots?site_id=site-ajain").get_json()[0]
    mine = edge.post(
        "/api/booking/appointments",
        json={"slot_id": slot["id"], "motif": "consultation", "patient": patient(1)},
    ).get_json()
    answer = edge.post(
        "/auth/patient", json={"reference": mine["reference"], "token": mine["manage_token"]}
    ).get_json()
    assert answer["scope"] == "appointment" and mine["patient_id"] not in str(answer)
    import jwt

    claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
    assert claims["sub"] == mine["reference"] and claims["relais_scope"] == "appointment"
    headers = {"Authorization": f"Bearer {answer['access_token']}"}
    own = edge.get(f"/api/booking/appointments/{mine['reference']}", headers=headers)
    assert own.status_code == 200
    assert (
        edge.get(f"/api/records/records/{mine['patient_id']}", headers=headers).status_code == 404
    )


def test_the_gateway_s_metrics_are_not_anonymous(edge, bearer):
    assert edge.get("/metrics").status_code == 401
    assert edge.get("/metrics", headers=bearer("agent")).status_code == 401
    assert edge.get("/metrics", headers=bearer("operator")).status_code == 200
    assert edge.get("/api/booking/metrics").status_code == 401
