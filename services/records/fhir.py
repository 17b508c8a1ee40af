"""A patient's record as a FHIR R4 Bundle (collection).

Built and validated with ``fhir.resources`` 8, which ships R5, R4B and STU3
models: R4B is R4 with a few additions, so the R4B models produce R4-compatible
resources for everything used here.  Section by section:

- medical and surgical history: Condition (category text "medical" / "surgical");
- family history: FamilyMemberHistory, R4's resource for a relative's condition
  (relationship coded in v3 RoleCode when the relative is a known word);
- allergies: AllergyIntolerance; treatments: MedicationStatement;
  vaccinations: Immunization;
- screenings: Observation (category laboratory, imaging or procedure): R4's
  Observation holds test results and findings, and a screening entry is a test
  with its date and result (a Procedure would only say the test was done);
- consultations: Encounter, with its vital signs as Observations.
"""

from __future__ import annotations

import unicodedata

from fhir.resources.R4B.bundle import Bundle

from services.records.documents import Consultation, PatientRecord

LOINC = "http://loinc.org"
ROLE_CODES = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
OBSERVATION_CATEGORIES = "http://terminology.hl7.org/CodeSystem/observation-category"
SCREENING_KINDS = "urn:relais:screening-kind"
SEVERITY = {"mild": "mild", "moderate": "moderate", "severe": "severe"}
GENDER = {"f": "female", "m": "male", "i": "other"}
VITAL_CODES = {
    "systolic": ("8480-6", "Systolic blood pressure", "mm[Hg]"),
    "diastolic": ("8462-4", "Diastolic blood pressure", "mm[Hg]"),
    "heart_rate": ("8867-4", "Heart rate", "/min"),
    "temperature": ("8310-5", "Body temperature", "Cel"),
    "weight_kg": ("29463-7", "Body weight", "kg"),
    "height_cm": ("8302-2", "Body height", "cm"),
    "spo2": ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    "bmi": ("39156-5", "Body mass index", "kg/m2"),
}


# the relative as written (French or English) -> v3 RoleCode
RELATIVES = {
    **dict.fromkeys(("pere", "father"), ("FTH", "father")),
    **dict.fromkeys(("mere", "mother"), ("MTH", "mother")),
    **dict.fromkeys(("frere", "brother"), ("BRO", "brother")),
    **dict.fromkeys(("soeur", "sister"), ("SIS", "sister")),
    **dict.fromkeys(("fils", "son"), ("SONC", "son")),
    **dict.fromkeys(("fille", "daughter"), ("DAUC", "daughter")),
    **dict.fromkeys(("grand-pere", "grandfather"), ("GRFTH", "grandfather")),
    **dict.fromkeys(("grand-mere", "grandmother"), ("GRMTH", "grandmother")),
    **dict.fromkeys(("oncle", "uncle"), ("UNCLE", "uncle")),
    **dict.fromkeys(("tante", "aunt"), ("AUNT", "aunt")),
    **dict.fromkeys(("parent",), ("PRN", "parent")),
    **dict.fromkeys(("enfant", "child"), ("CHILD", "child")),
}
UNSPECIFIED_RELATIVE = ("FAMMEMB", "family member")
# screening kind -> (label, observation category)
SCREENINGS = {
    "mammography": ("Mammographie de dépistage", "imaging"),
    "colorectal_fit": ("Test immunologique fécal (dépistage colorectal)", "laboratory"),
    "cervical_cytology": ("Examen cytologique cervico-utérin", "laboratory"),
    "cervical_hpv": ("Test HPV-HR (dépistage du cancer du col)", "laboratory"),
    "other": ("Autre dépistage", "procedure"),
}


def _ref(kind: str, ident: str) -> dict:
    return {"reference": f"{kind}/{ident}"}


def _text(value: str) -> dict:
    return {"text": value}


def _entry(resource: dict) -> dict:
    return {
        "fullUrl": f"urn:relais:{resource['resourceType']}/{resource['id']}",
        "resource": resource,
    }


def _patient(record: PatientRecord) -> dict:
    """The identity: its birth names as the official name, used names as the usual one."""
    names = [
        {
            "use": "official",
            "family": record.birth_name,
            "given": list(record.given_names or [record.first_given_name]),
        }
    ]
    if record.used_name or record.used_given_name:
        names.append(
            {
                "use": "usual",
                "family": record.used_name or record.birth_name,
                "given": [record.used_given_name or record.first_given_name],
            }
        )
    return {
        "resourceType": "Patient",
        "id": record.id,
        "name": names,
        "birthDate": record.birth_date.isoformat(),
        "gender": GENDER.get(record.sex, "unknown"),
    }


def _conditions(record: PatientRecord) -> list[dict]:
    resources = []
    for section, category in (("medical_history", "medical"), ("surgical_history", "surgical")):
        for index, item in enumerate(record[section]):
            resource = {
                "resourceType": "Condition",
                "id": f"{record.id}-{category}-{index}",
                "subject": _ref("Patient", record.id),
                "code": _text(item["text"]),
                "category": [_text(category)],
            }
            if item.get("since"):
                resource["onsetDateTime"] = str(item["since"])[:10]
            resources.append(resource)
    return resources


def _plain(text: str) -> str:
    """``Grand-Père`` -> ``grand-pere``, ``sœur`` -> ``soeur``: the relative as a key."""
    text = unicodedata.normalize("NFKD", text.strip().lower().replace("œ", "oe"))
    return "-".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def _relationship(relative: str | None) -> dict:
    code, display = RELATIVES.get(_plain(relative or ""), UNSPECIFIED_RELATIVE)
    return {
        "coding": [{"system": ROLE_CODES, "code": code, "display": display}],
        "text": relative or display,
    }


def _family_history(record: PatientRecord) -> list[dict]:
    resources = []
    for index, item in enumerate(record.family_history):
        condition = {"code": _text(item["text"])}
        if item.get("since"):
            condition["onsetString"] = str(item["since"])[:10]
        resources.append(
            {
                "resourceType": "FamilyMemberHistory",
                "id": f"{record.id}-family-{index}",
                "status": "completed",
                "patient": _ref("Patient", record.id),
                "relationship": _relationship(item.get("relative")),
                "condition": [condition],
            }
        )
    return resources


def _screenings(record: PatientRecord) -> list[dict]:
    resources = []
    for index, item in enumerate(record.screenings):
        label, category = SCREENINGS.get(item["kind"], SCREENINGS["other"])
        result = item.get("result") or None
        resources.append(
            {
                "resourceType": "Observation",
                "id": f"{record.id}-screening-{index}",
                # no result yet: the screening is registered, its result pending
                "status": "final" if result else "registered",
                "category": [{"coding": [{"system": OBSERVATION_CATEGORIES, "code": category}]}],
                "code": {
                    "coding": [{"system": SCREENING_KINDS, "code": item["kind"]}],
                    "text": label,
                },
                "subject": _ref("Patient", record.id),
                "effectiveDateTime": str(item["date"])[:10],
                "valueString": result,
            }
        )
    return resources


def _allergies(record: PatientRecord) -> list[dict]:
    return [
        {
            "resourceType": "AllergyIntolerance",
            "id": f"{record.id}-allergy-{index}",
            "patient": _ref("Patient", record.id),
            "code": _text(item["substance"]),
            "criticality": "high" if item["severity"] == "severe" else "low",
            "reaction": [
                {
                    "manifestation": [_text(item.get("reaction") or "unspecified")],
                    "severity": SEVERITY[item["severity"]],
                }
            ],
        }
        for index, item in enumerate(record.allergies)
    ]


def _medications(record: PatientRecord) -> list[dict]:
    return [
        {
            "resourceType": "MedicationStatement",
            "id": f"{record.id}-treatment-{index}",
            "status": "active",
            "subject": _ref("Patient", record.id),
            "medicationCodeableConcept": _text(item["name"]),
            "dosage": [{"text": item["dose"]}] if item.get("dose") else None,
        }
        for index, item in enumerate(record.treatments)
    ]


def _immunizations(record: PatientRecord) -> list[dict]:
    return [
        {
            "resourceType": "Immunization",
            "id": f"{record.id}-vaccination-{index}",
            "status": "completed",
            "patient": _ref("Patient", record.id),
            "vaccineCode": _text(item["vaccine"]),
            "occurrenceDateTime": str(item["date"])[:10],
            "lotNumber": item.get("lot") or None,
        }
        for index, item in enumerate(record.vaccinations)
    ]


def _encounter_and_vitals(item: Consultation) -> list[dict]:
    encounter = {
        "resourceType": "Encounter",
        "id": item.id,
        "status": "finished" if item.status == "closed" else "in-progress",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": _ref("Patient", item.patient_id),
        "period": {
            "start": item.opened_at.isoformat(),
            **({"end": item.closed_at.isoformat()} if item.closed_at else {}),
        },
        "reasonCode": [_text(item.reason)] if item.reason else None,
    }
    resources = [encounter]
    for name, value in (item.exam or {}).items():
        if value is None or name not in VITAL_CODES:
            continue
        code, label, unit = VITAL_CODES[name]
        resources.append(
            {
                "resourceType": "Observation",
                "id": f"{item.id}-{name.replace('_', '-')}",
                "status": "final",
                "category": [
                    {"coding": [{"system": OBSERVATION_CATEGORIES, "code": "vital-signs"}]}
                ],
                "code": {"coding": [{"system": LOINC, "code": code, "display": label}]},
                "subject": _ref("Patient", item.patient_id),
                "encounter": _ref("Encounter", item.id),
                "effectiveDateTime": item.opened_at.isoformat(),
                "valueQuantity": {
                    "value": value,
                    "unit": unit,
                    "system": "http://unitsofmeasure.org",
                    "code": unit,
                },
            }
        )
    return resources


def export(record: PatientRecord, identities: list[str] | None = None) -> Bundle:
    """``record``: the person's (services/records/people.py); ``identities``: theirs, whose
    consultations are exported too (the record's own id alone by default)."""
    resources = [
        _patient(record),
        *_conditions(record),
        *_family_history(record),
        *_allergies(record),
        *_medications(record),
        *_immunizations(record),
        *_screenings(record),
    ]
    ids = identities or [record.id]
    for item in Consultation.objects(patient_id__in=ids).order_by("opened_at"):
        resources.extend(_encounter_and_vitals(item))
    cleaned = [{k: v for k, v in r.items() if v is not None} for r in resources]
    return Bundle.model_validate(
        {"resourceType": "Bundle", "type": "collection", "entry": [_entry(r) for r in cleaned]}
    )
