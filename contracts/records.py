"""Events the records service produces: ids only, never medical content."""

from __future__ import annotations

from marshmallow import Schema, fields

from contracts.registry import EventType


class ConsultationClosed(Schema):
    consultation_id = fields.String(required=True)
    patient_id = fields.String(required=True)
    site_id = fields.String(required=True)
    doctor_id = fields.String(required=True)
    appointment_id = fields.String(allow_none=True, load_default=None)
    closed_at = fields.AwareDateTime(required=True, format="iso")


EVENTS = [
    EventType(
        "records.consultation.closed.v1",
        ConsultationClosed,
        {
            "consultation_id": "cons-0001",
            "patient_id": "pat-0042",
            "site_id": "site-ajain",
            "doctor_id": "doc-0001",
            "appointment_id": "apt-7K3Q",
            "closed_at": "2026-11-30T08:25:00+00:00",
        },
        description="A consultation was closed (booking marks the appointment completed).",
        subject="consultation id",
    ),
]
