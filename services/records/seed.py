"""Demo data for `make run`: some history in the demo patients' records.

The records themselves come from booking's patient events, as always; this
waits for them, then fills in a little of the standard frame.  The eldest gets
every section, and a consultation at Ajain three weeks ago whose pending result
is still open at the site (this week's doctor finds it in the open list).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from services.records import clock, handlers
from services.records.documents import PatientRecord

log = logging.getLogger(__name__)

HISTORY = [
    ("medical_history", {"text": "Hypertension artérielle", "since": "2012-05-01"}),
    ("medical_history", {"text": "Diabète de type 2", "since": "2018-09-01"}),
    ("surgical_history", {"text": "Prothèse de hanche droite", "since": "2019-02-01"}),
    ("family_history", {"text": "Infarctus du myocarde", "relative": "père"}),
    ("allergies", {"substance": "Pénicilline", "reaction": "urticaire", "severity": "moderate"}),
    ("treatments", {"name": "Amlodipine", "dose": "5 mg le matin"}),
    ("treatments", {"name": "Metformine", "dose": "1000 mg matin et soir"}),
    ("vaccinations", {"vaccine": "influenza", "date": "2025-10-20", "lot": "GRP25-4471"}),
    ("vaccinations", {"vaccine": "dtp", "date": "2016-03-11", "lot": "DTP16-0931"}),
    ("screenings", {"kind": "colorectal_fit", "date": "2024-06-03", "result": "négatif"}),
]
PAST_CONSULTATION = {
    "site_id": "site-ajain",
    "doctor_id": "seed",
    "reason": "Renouvellement d'ordonnance, essoufflement à l'effort",
    "exam": {
        "systolic": 148,
        "diastolic": 88,
        "heart_rate": 78,
        "temperature": 36.8,
        "weight_kg": 82.0,
        "height_cm": 171.0,
        "spo2": 96,
    },
    "notes": "Auscultation pulmonaire normale. Pas d'œdème des membres inférieurs.",
    "diagnosis": "HTA insuffisamment contrôlée",
    "prescriptions": "Amlodipine 10 mg le matin",
    "outcome": "Revoir dans un mois avec le bilan",
}
PENDING = [{"kind": "pending_result", "text": "Bilan lipidique et HbA1c demandés : à revoir"}]


def seed(timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while PatientRecord.objects.count() < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
    records = list(PatientRecord.objects.order_by("birth_date"))
    if not records or any(r.medical_history for r in records):
        return False
    for index, record in enumerate(records):
        # the eldest get the fullest histories, the youngest almost nothing
        for section, entry in HISTORY[: max(1, len(HISTORY) - 2 * index)]:
            handlers.add_entry(record.id, section, entry, "seed")
    seen = clock.now() - timedelta(weeks=3)
    handlers.import_consultation(
        {
            **PAST_CONSULTATION,
            "patient_id": records[0].id,
            "opened_at": seen,
            "closed_at": seen + timedelta(minutes=25),
        },
        PENDING,
    )
    log.info("records demo data seeded", extra={"records": len(records)})
    return True
