"""Whose record: an identity, and the identities merged into it (booking decides merges).

A provisional identity that staff merged into a validated one is the same
person: what was written under either is that person's record.  Nothing is
copied: the person's record is read across their identities, and writes go to
the identity everyone now uses (:func:`live`).  A merge goes into a validated
identity, which is never merged itself, so there is one level only.
"""

from __future__ import annotations

from services.records.documents import IdentityLink, PatientRecord
from services.records.domain import SECTIONS


def live(patient_id: str) -> str:
    """The identity this one's person is known by now."""
    link = IdentityLink.objects(id=patient_id).only("into").first()
    return link.into if link is not None and link.into else patient_id


def group(patient_id: str) -> list[str]:
    """The person's identities: this one and those merged into it."""
    merged = IdentityLink.objects(into=patient_id).distinct("id")
    return [patient_id, *sorted(merged)]


def person_record(patient_id: str) -> PatientRecord | None:
    """The record of ``patient_id``'s person: its own, with what was written under the
    identities merged into it (each such entry says ``from_identity``)."""
    records = {r.id: r for r in PatientRecord.objects(id__in=group(patient_id))}
    record = records.pop(patient_id, None)
    if record is None:
        return None
    record.merged_identities = sorted(records)
    for other in (records[i] for i in sorted(records)):
        for section in SECTIONS:
            record[section] = list(record[section]) + [
                {**entry, "from_identity": other.id} for entry in other[section]
            ]
        record.no_known_allergies = record.no_known_allergies and not other.allergies
        if not record.gp_declaration and other.gp_declaration:
            record.gp_declaration = other.gp_declaration
    return record
