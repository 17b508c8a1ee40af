"""No medical content reaches the logs or the metrics.

A consultation is written with distinctive strings (reason, notes, diagnosis,
prescriptions, outcome, a follow-up, an allergy), including refused and
invalid writes; the log records (captured by caplog, under the production JSON
logging at DEBUG) and the Prometheus ``/metrics`` text must not contain any.
"""

from __future__ import annotations

import io
import logging

import pytest

from chassis.logs import JsonFormatter, setup_logging

SECRETS = {
    "reason": "MOTIF-ZQX-7731 douleur thoracique",
    "notes": "NOTES-ZQX-4412 souffle systolique",
    "diagnosis": "DIAG-ZQX-9050 péricardite",
    "prescriptions": "PRESC-ZQX-2287 colchicine",
    "outcome": "ISSUE-ZQX-6619 adressé aux urgences",
    "follow_up": "SUIVI-ZQX-3104 échographie cardiaque",
    "allergy": "ALLERG-ZQX-5528 latex",
    "reaction": "REACT-ZQX-8843 œdème de Quincke",
}


@pytest.fixture
def json_logs(caplog):
    """The production logging set-up (JSON on a stream) at DEBUG, with caplog capturing
    at DEBUG too; both undone afterwards (caplog restores the level it found)."""
    root = logging.getLogger()
    caplog.set_level(logging.DEBUG)
    handlers = list(root.handlers)
    noisy = {name: logging.getLogger(name).level for name in ("amqp", "kombu", "pymongo")}
    stream = io.StringIO()
    setup_logging("DEBUG", service="records", stream=stream)
    yield stream
    root.handlers = handlers
    for name, level in noisy.items():
        logging.getLogger(name).setLevel(level)


def test_a_consultation_write_leaves_no_medical_content_in_logs_or_metrics(
    client, care, bearer, caplog, json_logs
):
    doctor = bearer("doctor", sub="doc-a")
    intruder = bearer("doctor", sub="doc-b")

    opened = client.post(
        "/consultations",
        json={"appointment_id": "apt-1", "reason": SECRETS["reason"]},
        headers=doctor,
    )
    assert opened.status_code == 201
    path = f"/consultations/{opened.get_json()['id']}"
    written = client.patch(
        path,
        json={
            "notes": SECRETS["notes"],
            "diagnosis": SECRETS["diagnosis"],
            "prescriptions": SECRETS["prescriptions"],
            "outcome": SECRETS["outcome"],
            "exam": {"systolic": 150, "diastolic": 95},
        },
        headers=doctor,
    )
    assert written.status_code == 200
    allergy = {
        "substance": SECRETS["allergy"],
        "reaction": SECRETS["reaction"],
        "severity": "severe",
    }
    assert client.post("/records/p1/allergies", json=allergy, headers=doctor).status_code == 201
    item = {"kind": "follow_up", "text": SECRETS["follow_up"]}
    assert client.post(f"{path}/items", json=item, headers=doctor).status_code == 201
    # refused and invalid writes carry the same strings
    assert client.patch(path, json={"notes": SECRETS["notes"]}, headers=intruder).status_code == 403
    too_long = {"diagnosis": SECRETS["diagnosis"] * 100}
    assert client.patch(path, json=too_long, headers=doctor).status_code == 422
    assert client.post(f"{path}/close", headers=doctor).status_code == 200
    assert client.patch(path, json={"notes": SECRETS["notes"]}, headers=doctor).status_code == 409
    assert client.get("/records/p1", headers=doctor).status_code == 200
    assert client.get("/records/p1/fhir", headers=doctor).status_code == 200

    metrics = client.get("/metrics", headers=bearer("operator")).get_data(as_text=True)

    assert caplog.records, "nothing was logged: the capture is not working"
    assert 'route="/consultations/<consultation_id>"' in metrics
    formatter = JsonFormatter("records")
    captured = "\n".join(
        [formatter.format(r) for r in caplog.records]
        + [repr(vars(r)) for r in caplog.records]
        + [json_logs.getvalue()]
    )
    for field, secret in SECRETS.items():
        token = secret.split()[0]  # the distinctive part
        assert token not in captured, f"{field} reached the logs"
        assert token not in metrics, f"{field} reached the metrics"
