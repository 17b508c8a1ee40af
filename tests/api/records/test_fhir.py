"""The FHIR R4 export of the demo seed's full record: every section, valid, round-tripping.

Built with the R4B models of fhir.resources (R4 plus a few additions); each
resource is validated again on its own and the whole Bundle goes through the
library's JSON parser and back unchanged.
"""

from __future__ import annotations

from datetime import date

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from services.records import seed
from services.records.documents import PatientRecord
from services.records.domain import SECTIONS
from tests.support.records import register

ROLE_CODES = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"


@pytest.fixture
def demo_record(client):
    """The demo patients as booking announces them, then the demo seed's history:
    the eldest gets the full frame and a past consultation."""
    for number, born in enumerate([1948, 1961, 1979, 1994]):
        register(f"demo-{number}", sex="m" if number % 2 else "f", born=date(born, 3, 14))
    assert seed.seed(timeout=5)
    return PatientRecord.objects.get(id="demo-0")


def by_type(bundle: Bundle) -> dict[str, list]:
    found: dict[str, list] = {}
    for entry in bundle.entry:
        found.setdefault(entry.resource.__resource_type__, []).append(entry.resource)
    return found


def categories(resource) -> set[str]:
    return {c.code for concept in resource.category or [] for c in concept.coding or []} | {
        concept.text for concept in resource.category or [] if concept.text
    }


def test_the_fhir_export_of_the_full_demo_record_has_every_section_validates_and_round_trips(
    client, bearer, demo_record
):
    for section in SECTIONS:
        assert demo_record[section], f"the demo record lacks {section}"

    response = client.get(
        "/records/demo-0/fhir",
        headers=bearer("patient", sub="demo-0", relais_scope="account"),
    )

    assert response.status_code == 200, response.get_json()
    assert response.headers["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate_json(response.get_data())
    assert bundle.model_dump(mode="json", exclude_none=True) == response.get_json()
    again = Bundle.model_validate_json(bundle.model_dump_json(exclude_none=True))
    assert again.model_dump(mode="json", exclude_none=True) == response.get_json()

    for entry in response.get_json()["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        assert model.model_validate(resource).model_dump(mode="json", exclude_none=True) == resource

    found = by_type(bundle)
    (patient,) = found["Patient"]
    assert patient.birthDate.isoformat() == "1948-03-14"

    conditions = found["Condition"]
    medical = [c for c in conditions if "medical" in categories(c)]
    surgical = [c for c in conditions if "surgical" in categories(c)]
    assert [c.code.text for c in medical] == [e["text"] for e in demo_record.medical_history]
    assert [c.code.text for c in surgical] == [e["text"] for e in demo_record.surgical_history]

    (family,) = found["FamilyMemberHistory"]
    assert family.status == "completed"
    assert family.patient.reference == "Patient/demo-0"
    assert family.relationship.text == "père"
    assert [(c.system, c.code) for c in family.relationship.coding] == [(ROLE_CODES, "FTH")]
    assert family.condition[0].code.text == "Infarctus du myocarde"

    assert [a.code.text for a in found["AllergyIntolerance"]] == ["Pénicilline"]
    assert len(found["MedicationStatement"]) == len(demo_record.treatments)
    assert sorted(i.vaccineCode.text for i in found["Immunization"]) == ["dtp", "influenza"]

    observations = found["Observation"]
    screenings = [o for o in observations if "vital-signs" not in categories(o)]
    vitals = [o for o in observations if "vital-signs" in categories(o)]
    (screening,) = screenings
    assert categories(screening) == {"laboratory"}
    assert screening.code.coding[0].code == "colorectal_fit"
    assert screening.valueString == "négatif"
    assert screening.effectiveDateTime.isoformat().startswith("2024-06-03")

    (encounter,) = found["Encounter"]
    assert encounter.status == "finished"
    assert vitals and all(v.encounter.reference == f"Encounter/{encounter.id}" for v in vitals)
    assert {v.code.coding[0].code for v in vitals} >= {"8480-6", "8462-4", "39156-5"}


def test_the_export_is_audited(client, bearer, demo_record):
    from services.records.documents import AuditEntry

    client.get(
        "/records/demo-0/fhir",
        headers=bearer("patient", sub="demo-0", relais_scope="account"),
    )
    entry = AuditEntry.objects(patient_id="demo-0").order_by("-at").first()
    assert (entry.action, entry.purpose, entry.outcome) == ("export_fhir", "export", "allowed")
