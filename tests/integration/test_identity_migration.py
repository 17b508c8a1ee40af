"""`relais identities migrate` on the demo data as the release before identities stored it:
counts reported, nothing lost, a second run changes nothing."""

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from services.booking.documents import Appointment, BookingSecret, Patient
from services.records.documents import Consultation, PatientRecord

RELAIS = str(Path(sys.executable).with_name("relais"))
# the old demo seed's patients: family name, given name, birth date, sex, phone
OLD_DEMO = [
    ("Dupuis", "Marcelle", date(1938, 5, 2), "f", "+33555621001"),
    ("Lagrange", "Henri", date(1946, 11, 23), "m", "+33555621002"),
    ("Boucher", "Élodie", date(1989, 7, 9), "f", "+33671203003"),
    ("Mercier", "Théo", date(2017, 2, 14), "m", "+33671203004"),
    ("Fournier", "Jacqueline", date(1951, 3, 30), "f", "+33555621005"),
    ("Girard", "Nathalie", date(1974, 9, 18), "f", "+33671203006"),
    ("Bonnet", "Lucas", date(1996, 1, 5), "m", "+33671203007"),
    ("Roussel", "Yvette", date(1943, 12, 12), "f", "+33555621008"),
]
CHECKED_IN = {0, 4}  # two of them were seen at the desk


def _day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


@pytest.fixture
def old_demo(make_config):
    """The documents the release before identities kept for its demo data."""
    make_config("booking")
    make_config("records")
    from chassis.db import prepare_collections
    from services.booking.documents import DOCUMENTS as BOOKING
    from services.records.documents import DOCUMENTS as RECORDS

    prepare_collections(BOOKING)
    prepare_collections(RECORDS)
    BookingSecret._get_collection().insert_one({"_id": "patient-id", "value": "ab" * 32})
    Patient._get_collection().create_index("identity", unique=True)  # the old rule
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    for n, (family, given, born, sex, phone) in enumerate(OLD_DEMO):
        patient_id = f"pat-{n:016x}"
        key = f"{family.lower()}|{given.lower()}|{born.isoformat()}"
        Patient._get_collection().insert_one(
            {
                "_id": patient_id,
                "family_name": family,
                "given_name": given,
                "birth_date": _day(born),
                "sex": sex,
                "phone": phone,
                "has_gp": "unknown",
                "identity": key,
                "family_key": family.lower(),
                "given_key": given.lower(),
                "created_at": start - timedelta(days=30),
                "outbox": [],
            }
        )
        history = [{"status": "booked", "at": start - timedelta(days=20), "by": "seed"}]
        if n in CHECKED_IN:
            history.append({"status": "checked_in", "at": start - timedelta(days=9), "by": "doc-1"})
        Appointment._get_collection().insert_one(
            {
                "_id": f"apt-{n:012x}",
                "reference": f"AJN-{n:04d}",
                "patient_id": patient_id,
                "site_id": "site-ajain",
                "week": "2026-W50",
                "slot_ids": [f"site-ajain|site|{n}"],
                "start": start + timedelta(hours=n),
                "end": start + timedelta(hours=n, minutes=20),
                "motif": "consultation",
                "motif_label": "Consultation",
                "channel": "phone",
                "status": "completed" if n in CHECKED_IN else "booked",
                "history": history,
                "created_at": start - timedelta(days=20),
                "outbox": [],
            }
        )
        PatientRecord._get_collection().insert_one(
            {
                "_id": patient_id,
                "family_name": family,
                "given_name": given,
                "birth_date": _day(born),
                "sex": sex,
                "has_gp": "unknown",
                "medical_history": [{"text": "Hypertension artérielle", "recorded_by": "seed"}],
                "allergies": [{"substance": "Pénicilline", "severity": "moderate"}] if n else [],
                "treatments": [],
                "created_at": start - timedelta(days=30),
            }
        )
    Consultation._get_collection().insert_one(
        {
            "_id": "cons-000000000001",
            "patient_id": "pat-0000000000000000",
            "site_id": "site-ajain",
            "doctor_id": "seed",
            "status": "closed",
            "reason": "Renouvellement d'ordonnance",
            "opened_at": start - timedelta(days=21),
            "outbox": [],
        }
    )


def migrate(mongo_uri, db_prefix) -> dict:
    env = {
        "PATH": "/usr/bin:/bin",
        "MONGODB_URI": mongo_uri,
        "MONGODB_DB_PREFIX": db_prefix,
        "AMQP_URL": "memory://",
    }
    done = subprocess.run(
        [RELAIS, "identities", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = {}
    for line in done.stdout.splitlines():
        service, _, counts = line.partition(": ")
        report[service] = {
            k: int(v) for k, v in (part.rsplit(" ", 1) for part in counts.split(", "))
        }
    return report


def everything() -> dict:
    def all_of(document):
        return sorted(document._get_collection().find(), key=lambda d: str(d["_id"]))

    return {d.__name__: all_of(d) for d in (Patient, Appointment, PatientRecord, Consultation)}


def test_the_migration_keeps_everything_attached_and_runs_twice_to_the_same_result(
    old_demo, mongo_uri, db_prefix
):
    before = everything()
    first = migrate(mongo_uri, db_prefix)
    assert first["booking"] == {
        "patients": 8,
        "migrated": 8,
        "validated": 2,
        "provisional": 6,
        "already": 0,
        "appointments": 8,
        "appointments_without_patient": 0,
    }
    assert first["records"] == {"records": 8, "migrated": 8, "already": 0, "consultations": 1}
    after = everything()

    # nothing lost: same ids, same appointments, same medical content
    assert [p["_id"] for p in after["Patient"]] == [p["_id"] for p in before["Patient"]]
    assert after["Appointment"] == before["Appointment"]
    assert after["Consultation"] == before["Consultation"]
    for old, new in zip(before["PatientRecord"], after["PatientRecord"], strict=True):
        assert (new["birth_name"], new["first_given_name"]) == (
            old["family_name"],
            old["given_name"],
        )
        assert "family_name" not in new and new["identity_status"] == "provisional"
        for section in ("medical_history", "allergies", "treatments"):
            assert new[section] == old[section]
    for n, (old, new) in enumerate(zip(before["Patient"], after["Patient"], strict=True)):
        assert new["birth_name"] == old["family_name"] and new["given_names"] == [old["given_name"]]
        assert new["birth_date"] == old["birth_date"] and new["phone"] == old["phone"]
        assert "identity" not in new and "family_name" not in new
        assert new["legacy"] is True  # the desk is told it may mix two people
        status = "validated" if n in CHECKED_IN else "provisional"
        assert new["identity_status"] == status
        if n in CHECKED_IN:  # seen at the desk: validated, announced, no sign-in contact yet
            assert new["validation"]["by"] == "doc-1"
            assert [e["type"] for e in new["outbox"]] == ["booking.patient.validated.v1"]
            assert not new.get("sign_in")
    assert BookingSecret._get_collection().find_one({"_id": "patient-id"}) is None
    # the old unique index on name + birth date is gone (dropped as the databases open)
    indexes = Patient._get_collection().index_information().values()
    assert not [info for info in indexes if "identity" in dict(info["key"])]

    second = migrate(mongo_uri, db_prefix)
    assert second["booking"]["migrated"] == 0 and second["booking"]["already"] == 8
    assert second["records"]["migrated"] == 0 and second["records"]["already"] == 8
    assert everything() == after
