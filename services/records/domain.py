"""Pure rules of the medical record: sections, plausible vitals, who may access."""

from __future__ import annotations

from dataclasses import dataclass

SECTIONS = (
    "medical_history",
    "surgical_history",
    "family_history",
    "allergies",
    "treatments",
    "vaccinations",
    "screenings",
)

# plausible ranges (adults and children seen at a rural practice)
VITALS = {
    "systolic": (60, 260),
    "diastolic": (30, 160),
    "heart_rate": (20, 250),
    "temperature": (30.0, 43.5),
    "weight_kg": (0.5, 350.0),
    "height_cm": (30.0, 250.0),
    "spo2": (50, 100),
}


def bmi(weight_kg: float | None, height_cm: float | None) -> float | None:
    if not weight_kg or not height_cm:
        return None
    metres = height_cm / 100
    return round(weight_kg / (metres * metres), 1)


@dataclass(frozen=True)
class Facts:
    """What the access decision needs to know, gathered beforehand."""

    record_exists: bool
    # the doctor is on duty this week at a site where the patient is booked this week
    on_duty_with_visit: bool = False
    # the doctor has an open consultation with the patient at a site where they are on duty
    open_consultation: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    status: int
    reason: str
    code: str = "no_care_relationship"  # what a refused client can branch on

    @property
    def outcome(self) -> str:
        return outcome_of(self.status)


def outcome_of(status: int) -> str:
    """The audit outcome of an HTTP status: allowed, denied, not_found, or (no access
    decision reached) conflict, invalid, error."""
    if status < 400:
        return "allowed"
    return {403: "denied", 404: "not_found", 409: "conflict"}.get(
        status, "invalid" if status < 500 else "error"
    )


MEDICAL_READ = "read"
MEDICAL_WRITE = "write"
CARE = ("patient", "doctor")  # who may ever see medical content
DOCTORS = ("doctor",)
NO_CARE = "no care relationship with this patient this week"
NOT_YOURS = "only the consulting doctor writes this consultation"


def refused_role(role: str, roles: tuple[str, ...]) -> Decision:
    if role in CARE:
        return Decision(False, 403, f"only a {' or '.join(roles)} may do this", "role")
    return Decision(False, 403, f"a {role} does not see medical records", "role")


def decide(
    role: str,
    subject: str,
    patient_id: str,
    action: str,
    facts: Facts,
    roles: tuple[str, ...] = CARE,
) -> Decision:
    """Care relationship: the doctor on duty with the patient booked, or in an open
    consultation; the patient reads their own record; nobody else sees medical content.
    The role is checked first, so a refusal tells nothing about what exists."""
    if role not in roles:
        return refused_role(role, roles)
    if role == "patient":
        if subject != patient_id:
            return Decision(False, 404, "not this patient's record")
        if action != MEDICAL_READ:
            return Decision(False, 403, "patients read their record; doctors write it")
        if not facts.record_exists:
            return Decision(False, 404, "no record")
        return Decision(True, 200, "own record")
    if not facts.record_exists:
        return Decision(False, 404, "no record")
    if facts.open_consultation:
        return Decision(True, 200, "open consultation")
    if facts.on_duty_with_visit:
        return Decision(True, 200, "on duty where the patient is booked this week")
    return Decision(False, 403, NO_CARE)


def decide_trail(role: str, subject: str, patient_id: str, facts: Facts) -> Decision:
    """The access log: the patient's own, and operators' oversight (audited too)."""
    if role == "operator":
        if not facts.record_exists:
            return Decision(False, 404, "no record")
        return Decision(True, 200, "operator oversight")
    if role != "patient":
        return Decision(False, 403, "the access log is for the patient and the operators", "role")
    return decide(role, subject, patient_id, MEDICAL_READ, facts)


def decide_site(role: str, on_duty_there: bool) -> Decision:
    """Follow-ups and pending results belong to the site: its doctor on duty this week."""
    if role != "doctor":
        return refused_role(role, DOCTORS)
    if not on_duty_there:
        return Decision(False, 403, "not on duty at this site this week", "not_on_duty")
    return Decision(True, 200, "on duty at the site that holds the item")


def decide_counters(role: str, may_act_on_site: bool) -> Decision:
    """Non-medical counts: the site's coordinators and the operators."""
    if role not in ("coordinator", "operator"):
        return Decision(False, 403, "counters are for the site's coordinators", "role")
    if not may_act_on_site:
        return Decision(False, 403, "you do not coordinate this site", "not_your_site")
    return Decision(True, 200, "coordinates the site")


def missing(role: str, what: str, roles: tuple[str, ...]) -> Decision:
    """Nothing by that id: 404 to whom may ask, the role's 403 to anyone else."""
    if role not in roles:
        return refused_role(role, roles)
    return Decision(False, 404, f"no {what}")
