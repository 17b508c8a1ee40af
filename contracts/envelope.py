"""The CloudEvents 1.0 envelope, structured JSON mode, plus ``correlationid``.

    {"specversion": "1.0", "id": "...", "source": "/relais/booking",
     "type": "booking.appointment.booked.v1", "time": "2026-11-22T09:00:00+00:00",
     "subject": "<entity id>", "datacontenttype": "application/json",
     "correlationid": "...", "data": {...}}

``build`` makes one from a registered type; ``parse`` turns bytes into an
:class:`Event` or raises :class:`InvalidEnvelope`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate

from contracts.registry import Registry, UnknownEventType

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
DATA_CONTENT_TYPE = "application/json"


class InvalidEnvelope(ValueError):
    """The message is not a well-formed Relais event (poison: dead-letter it)."""


class EnvelopeSchema(Schema):
    specversion = fields.String(required=True, validate=validate.Equal(SPECVERSION))
    id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    source = fields.String(required=True, validate=validate.Length(min=1))
    type = fields.String(required=True, validate=validate.Length(min=1))
    time = fields.AwareDateTime(required=True, format="iso")
    subject = fields.String(allow_none=True)
    datacontenttype = fields.String(validate=validate.Equal(DATA_CONTENT_TYPE))
    correlationid = fields.String(allow_none=True)
    data = fields.Dict(required=True)


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    source: str
    time: datetime
    subject: str | None
    correlation_id: str | None
    data: dict
    envelope: dict

    @property
    def routing_key(self) -> str:
        return self.type


def build(
    registry: Registry,
    type_: str,
    data: dict,
    *,
    subject: str | None = None,
    correlation_id: str | None = None,
    event_id: str | None = None,
    time: datetime | None = None,
    trusted: bool = False,
) -> dict:
    """An envelope for ``data``; ``trusted`` skips validation for JSON-ready data that a
    producer builds field by field in bulk (an import), its shape covered by tests."""
    event_type = registry.get(type_)
    envelope = {
        "specversion": SPECVERSION,
        "id": event_id or uuid.uuid4().hex,
        "source": f"/relais/{event_type.service}",
        "type": type_,
        "time": (time or datetime.now(UTC)).isoformat(),
        "subject": subject,
        "datacontenttype": DATA_CONTENT_TYPE,
        "correlationid": correlation_id,
        "data": data if trusted else event_type.dump(data),
    }
    # CloudEvents has no null attribute: an optional one that is unknown is left out
    return {k: v for k, v in envelope.items() if v is not None or k == "data"}


def encode(envelope: dict) -> bytes:
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


_ENVELOPE = EnvelopeSchema()


def validate_envelope(envelope: object) -> dict:
    """The envelope's field errors (empty when it is well formed)."""
    if not isinstance(envelope, dict):
        return {"_schema": ["an event is a JSON object"]}
    return _ENVELOPE.validate(envelope)


def parse(body: bytes | str | dict, registry: Registry) -> Event:
    try:
        envelope = body if isinstance(body, dict) else json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEnvelope(f"not JSON: {exc}") from None
    if not isinstance(envelope, dict):
        raise InvalidEnvelope("not a CloudEvents 1.0 envelope: not a JSON object")
    try:
        loaded = _ENVELOPE.load(envelope)
    except ValidationError as exc:
        raise InvalidEnvelope(f"not a CloudEvents 1.0 envelope: {exc.messages}") from None
    try:
        event_type = registry.get(loaded["type"])
        data = event_type.load(loaded["data"])
    except UnknownEventType:
        raise InvalidEnvelope(f"unknown event type {loaded['type']!r}") from None
    except ValidationError as exc:
        raise InvalidEnvelope(f"{loaded['type']} data invalid: {exc.messages}") from None
    return Event(
        id=loaded["id"],
        type=loaded["type"],
        source=loaded["source"],
        time=loaded["time"].astimezone(UTC),
        subject=loaded.get("subject"),
        correlation_id=loaded.get("correlationid"),
        data=data,
        envelope=envelope,
    )
