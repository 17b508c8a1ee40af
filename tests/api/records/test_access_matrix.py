"""Each role x each records endpoint x (own / other patient / other site / unknown):
the expected status, and an audit entry for every case, allowed or refused.

The targets (see ``world`` in tests/support/records.py):

    own            P1, booked at Ajain this week, where Dr A is on duty (the patient is P1)
    other patient  P3, seen at Ajain last week by Dr D, no appointment this week
    other site     P2, booked on the bus, where Dr B is on duty
    unknown        an id nobody has

For a site endpoint the targets are Ajain, the bus and an unknown site ("other
patient" does not apply).  Site items of P3 belong to Ajain: Dr A, on duty
there now, may close them although P3's record stays closed to him.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from services.records.documents import AuditEntry

ROLES = {
    "patient": ("p1", "patient", []),
    "agent": ("agent-1", "agent", []),
    "coordinator": ("coord-1", "coordinator", ["site-ajain"]),
    "doctor on duty": ("doc-a", "doctor", []),
    "doctor at another site": ("doc-c", "doctor", []),
    "doctor off duty": ("doc-d", "doctor", []),
    "operator": ("op-1", "operator", ["*"]),
}
TARGETS = ("own", "other patient", "other site", "unknown")
OUTCOME = {200: "allowed", 201: "allowed", 403: "denied", 404: "not_found"}

# the patient behind each target, as the audit entry must name it
PATIENT_OF = {"own": "p1", "other patient": "p3", "other site": "p2", "unknown": None}
RECORDS = {"own": "p1", "other patient": "p3", "other site": "p2", "unknown": "p-nobody"}
APPOINTMENTS = {
    "own": "apt-1b",
    "other patient": "apt-3",
    "other site": "apt-2",
    "unknown": "apt-nobody",
}
SITES = {"own": "site-ajain", "other site": "bus-nord-87", "unknown": "site-nowhere"}


def every(status):
    return (status,) * len(TARGETS)


NOBODY = {role: every(403) for role in ROLES}
DOCTORS_ELSEWHERE = {
    "doctor at another site": (403, 403, 403, 404),
    "doctor off duty": (403, 403, 403, 404),
}
READ = {
    **NOBODY,
    **DOCTORS_ELSEWHERE,
    "patient": (200, 404, 404, 404),
    "doctor on duty": (200, 403, 403, 404),
}


def write(ok: int) -> dict:
    return {**READ, "patient": (403, 404, 404, 404), "doctor on duty": (ok, 403, 403, 404)}


def doctors_only(ok: int) -> dict:
    return {**NOBODY, **DOCTORS_ELSEWHERE, "doctor on duty": (ok, 403, 403, 404)}


def site_wide(**allowed) -> dict:
    table = {**NOBODY, **allowed}
    return {role: (own, None, site, unknown) for role, (own, _, site, unknown) in table.items()}


ACCESS_LOG = {**NOBODY, "patient": (200, 404, 404, 404), "operator": (200, 200, 200, 404)}
OPEN_ITEMS = site_wide(**{"doctor on duty": (200, None, 403, 403)})
ITEM_DONE = {**doctors_only(200), "doctor on duty": (200, 200, 403, 404)}
COUNTERS = site_wide(coordinator=(200, None, 403, 403), operator=(200, None, 200, 200))

SECTIONS = {
    "medical-history": {"text": "asthme"},
    "surgical-history": {"text": "appendicectomie", "since": "1990-05-01"},
    "family-history": {"text": "diabète", "relative": "mère"},
    "allergies": {"substance": "pénicilline", "severity": "severe"},
    "treatments": {"name": "paracétamol", "dose": "1 g"},
    "vaccinations": {"vaccine": "influenza", "date": "2025-10-01"},
    "screenings": {"kind": "colorectal_fit", "date": "2025-01-10", "result": "négatif"},
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # "{id}" stands for the target
    kind: str  # what the target is: record, appointment, consultation, item, site
    action: str  # the audit entry's action
    expected: dict  # role -> status per target
    body: dict | None = None

    def __str__(self):
        return f"{self.method} {self.path}"


ENDPOINTS = [
    Endpoint("GET", "/records/{id}", "record", "read_record", READ),
    Endpoint("GET", "/records/{id}/completeness", "record", "read_completeness", READ),
    Endpoint("GET", "/records/{id}/fhir", "record", "export_fhir", READ),
    *[
        Endpoint(
            "POST",
            f"/records/{{id}}/{path}",
            "record",
            f"add_{path.replace('-', '_')}",
            write(201),
            body,
        )
        for path, body in SECTIONS.items()
    ],
    Endpoint(
        "POST",
        "/records/{id}/no-known-allergies",
        "record",
        "declare_no_known_allergies",
        write(200),
    ),
    Endpoint(
        "POST",
        "/records/{id}/gp-declaration",
        "record",
        "declare_gp",
        write(200),
        {"declared_on": "2025-11-03", "site_id": "site-ajain"},
    ),
    Endpoint("GET", "/records/{id}/access-log", "record", "read_access_log", ACCESS_LOG),
    Endpoint(
        "POST",
        "/consultations",
        "appointment",
        "open_consultation",
        doctors_only(201),
        {"appointment_id": "{id}", "reason": "toux"},
    ),
    Endpoint("GET", "/consultations/{id}", "consultation", "read_consultation", doctors_only(200)),
    Endpoint(
        "PATCH",
        "/consultations/{id}",
        "consultation",
        "write_consultation",
        doctors_only(200),
        {"notes": "auscultation normale"},
    ),
    Endpoint(
        "POST",
        "/consultations/{id}/items",
        "consultation",
        "add_site_item",
        doctors_only(201),
        {"kind": "pending_result", "text": "NFS"},
    ),
    Endpoint(
        "POST", "/consultations/{id}/close", "consultation", "close_consultation", doctors_only(200)
    ),
    Endpoint("GET", "/sites/{id}/open-items", "site", "list_site_items", OPEN_ITEMS),
    Endpoint("POST", "/site-items/{id}/done", "item", "finish_site_item", ITEM_DONE),
    Endpoint("GET", "/sites/{id}/counters", "site", "read_counters", COUNTERS),
]


def target_id(world, kind: str, target: str) -> str:
    if kind == "record":
        return RECORDS[target]
    if kind == "appointment":
        return APPOINTMENTS[target]
    if kind == "site":
        return SITES[target]
    known = world.consultations if kind == "consultation" else world.items
    return known.get(target, f"{kind}-nobody")


def request_for(endpoint: Endpoint, ident: str) -> tuple[str, dict | None]:
    body = endpoint.body
    if body is not None:
        body = {k: ident if v == "{id}" else v for k, v in body.items()}
    return endpoint.path.format(id=ident), body


def audited_patient(endpoint: Endpoint, target: str, ident: str) -> str | None:
    if endpoint.kind == "record":
        return ident  # the record asked for, known or not
    if endpoint.kind == "site":
        return None  # a site-wide entry
    return PATIENT_OF[target]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_each_target_and_each_case_is_audited(
    client, world, bearer, endpoint, role
):
    subject, token_role, sites = ROLES[role]
    # a patient's token is their account's (signed in with a one-time code)
    scope = {"relais_scope": "account"} if token_role == "patient" else {}
    headers = bearer(token_role, sub=subject, sites=sites, **scope)
    for target, expected in zip(TARGETS, endpoint.expected[role], strict=True):
        if expected is None:
            continue
        ident = target_id(world, endpoint.kind, target)
        path, body = request_for(endpoint, ident)
        request_id = f"matrix-{uuid.uuid4().hex[:12]}"
        response = client.open(
            path,
            method=endpoint.method,
            json=body,
            headers={**headers, "X-Request-Id": request_id},
        )
        case = (role, str(endpoint), target)
        assert response.status_code == expected, (*case, response.get_json())

        entries = list(AuditEntry.objects(request_id=request_id))
        assert entries, (*case, "no audit entry")
        assert {(e.actor, e.role) for e in entries} == {(subject, token_role)}, case
        patient = audited_patient(endpoint, target, ident)
        (entry,) = [
            e for e in entries if e.action == endpoint.action and e.patient_id == patient
        ] or [None]
        assert entry is not None, (*case, [(e.action, e.patient_id) for e in entries])
        assert entry.outcome == OUTCOME[expected], case
        assert entry.purpose and entry.at, case
        if endpoint.kind == "site":
            assert entry.site_id == ident, case


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_anonymous_callers_are_refused_before_anything(client, world, endpoint):
    path, body = request_for(endpoint, target_id(world, endpoint.kind, "own"))
    before = AuditEntry.objects.count()
    response = client.open(path, method=endpoint.method, json=body)
    assert response.status_code == 401
    assert AuditEntry.objects.count() == before  # nobody to name: the request log has it
