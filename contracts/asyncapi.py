"""The AsyncAPI 2.6 documents, generated from the event registry.

``contracts/asyncapi.yaml`` is what a partner reads: the queue it consumes,
the server and its own user, and the public events *as the partner receives
them* (patient id replaced by its pseudonym, only declared fields).  How the
partners service transforms an event, and its names on the broker, come in a
:class:`PartnerView` (contracts import no service: the partners service builds
the view, see services/partners/published.py).  Each example is the real
transformation applied to the event's sample.

``contracts/asyncapi-internal.yaml`` lists every event on the topic exchange
``relais.events``, for Relais's own services.

Payload schemas come from the marshmallow schemas through apispec, as JSON
Schema (``type: [string, "null"]``, not OpenAPI 3.0's ``nullable``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from contracts.envelope import CONTENT_TYPE, DATA_CONTENT_TYPE, SPECVERSION
from contracts.registry import EventType, Registry

ENVELOPE = {
    "type": "object",
    "required": ["specversion", "id", "source", "type", "time", "data"],
    "properties": {
        "specversion": {"type": "string", "enum": [SPECVERSION]},
        "id": {"type": "string", "description": "unique per event; consumers deduplicate on it"},
        "source": {"type": "string", "example": "/relais/booking"},
        "type": {"type": "string", "description": "`<service>.<entity>.<verb>.v<major>`"},
        "time": {"type": "string", "format": "date-time"},
        "subject": {"type": ["string", "null"], "description": "the id the event is about"},
        "datacontenttype": {"type": "string", "enum": [DATA_CONTENT_TYPE]},
        "correlationid": {
            "type": ["string", "null"],
            "description": "Relais's trace id of the request that caused the event",
        },
        "data": {"type": "object"},
    },
}
VERSIONING = (
    "Envelope: CloudEvents 1.0, structured JSON (`application/cloudevents+json`). "
    "Within a major version (`.v1`) fields are only added: ignore fields you do not know. "
    "An event may arrive twice (after a reconnection): `id` tells you."
)


@dataclass(frozen=True)
class PartnerView:
    """What the partner document needs to know of the partners service."""

    transform: Callable[[dict], dict]  # an envelope -> the partner's copy (an example key)
    pseudonym_fields: tuple[str, ...]  # data fields that carry a pseudonym
    pseudonym: dict  # the JSON schema of a pseudonym, with its explanation
    queue: str  # the partner's queue, with a ``{partner}`` parameter
    channel_description: str  # how the queue is fed: exchange, routing key
    selection: str  # how bindings select events
    server_description: str
    security_description: str
    summary: str  # the document's opening paragraph


def _operation_id(type_: str) -> str:
    words = re.split(r"[._]", type_)
    return "on" + "".join(w.capitalize() for w in words)


def _example(event_type: EventType) -> dict:
    subject = event_type.sample.get(re.sub(r"\W+", "_", event_type.subject))
    return {
        "specversion": SPECVERSION,
        "id": "5b1d0c7e0f0a4c4f9a51e6c1a2b3c4d5",
        "source": f"/relais/{event_type.service}",
        "type": event_type.type,
        "time": "2026-11-22T09:00:00+00:00",
        "subject": subject,
        "datacontenttype": DATA_CONTENT_TYPE,
        "correlationid": "8f14e45fceea167a5a36dedd4bea2543",
        "data": event_type.dump(event_type.sample),
    }


def _schemas(types: list[EventType]) -> dict:
    """The data schemas, as JSON Schema; tolerant, since fields may be added."""
    spec = APISpec("Relais events", "1.0.0", "3.1.0", plugins=[MarshmallowPlugin()])
    for event_type in types:
        name = event_type.schema.__name__
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=event_type.schema)
    schemas = copy.deepcopy(spec.to_dict()["components"]["schemas"])
    for schema in schemas.values():
        schema.pop("additionalProperties", None)
    return schemas


def _message(event_type: EventType, example: dict, **extra) -> dict:
    schema_name = event_type.schema.__name__
    return {
        "name": event_type.type,
        "title": event_type.type,
        "summary": event_type.description,
        **extra,
        "contentType": CONTENT_TYPE,
        "correlationId": {"location": "$message.payload#/correlationid"},
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/CloudEvent"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": event_type.type},
                        "data": {"$ref": f"#/components/schemas/{schema_name}"},
                    },
                },
            ]
        },
        "examples": [{"name": "sample", "payload": example}],
    }


def internal_document(registry: Registry, exchange: str = "relais.events") -> dict:
    channels, messages = {}, {}
    for event_type in registry:
        messages[event_type.type] = {
            **_message(event_type, _example(event_type)),
            "x-relais-public": event_type.public,
            "x-relais-subject": event_type.subject,
        }
        channels[event_type.type] = {
            "description": event_type.description,
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": exchange, "type": "topic", "durable": True, "vhost": "/"},
                    "bindingVersion": "0.2.0",
                }
            },
            "subscribe": {
                "operationId": _operation_id(event_type.type),
                "message": {"$ref": f"#/components/messages/{event_type.type}"},
            },
        }
    return {
        "asyncapi": "2.6.0",
        "info": {
            "title": "Relais events (internal)",
            "version": "1.0.0",
            "description": (
                f"Every event Relais publishes, for Relais services, on the topic exchange "
                f"`{exchange}`; the routing key equals the CloudEvents type. {VERSIONING} "
                "Partners read asyncapi.yaml instead."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "relais": {
                "url": "{host}:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "variables": {"host": {"default": "localhost"}},
            }
        },
        "channels": channels,
        "components": {
            "messages": messages,
            "schemas": {"CloudEvent": ENVELOPE, **_schemas(list(registry))},
        },
    }


def partner_document(registry: Registry, view: PartnerView) -> dict:
    types = registry.public()
    schemas = _schemas(types)
    pseudonym_ref = {"$ref": "#/components/schemas/PatientPseudonym"}
    for event_type in types:
        properties = schemas[event_type.schema.__name__]["properties"]
        for field in view.pseudonym_fields:
            if field in properties:
                properties[field] = dict(pseudonym_ref)
    messages = {
        t.type: _message(
            t, view.transform(_example(t)), description=f"Its `subject` is the {t.subject}."
        )
        for t in types
    }
    return {
        "asyncapi": "2.6.0",
        "id": "urn:relais:events:partners",
        "info": {
            "title": "Relais events for partners (CPTS)",
            "version": "1.0.0",
            "description": f"{view.summary}\n\n{VERSIONING}",
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "relais": {
                "url": "{host}:{port}",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": view.server_description,
                "variables": {
                    "host": {"default": "localhost", "description": "`host` in your details"},
                    "port": {"default": "5672", "description": "`port` in your details"},
                },
                "security": [{"partnerUser": []}],
            }
        },
        "channels": {
            view.queue: {
                "description": view.channel_description,
                "parameters": {
                    "partner": {
                        "description": "your partner name, as the operator created it",
                        "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{1,40}$"},
                    }
                },
                "bindings": {
                    "amqp": {
                        "is": "queue",
                        "queue": {
                            "name": view.queue,
                            "durable": True,
                            "exclusive": False,
                            "autoDelete": False,
                            "vhost": "/",
                        },
                        "bindingVersion": "0.2.0",
                    }
                },
                "subscribe": {
                    "operationId": "receiveRelaisEvents",
                    "summary": "The public events your bindings select, one copy each.",
                    "description": view.selection,
                    "bindings": {"amqp": {"ack": True, "bindingVersion": "0.2.0"}},
                    "message": {
                        "oneOf": [{"$ref": f"#/components/messages/{t.type}"} for t in types]
                    },
                },
            }
        },
        "components": {
            "securitySchemes": {
                "partnerUser": {"type": "userPassword", "description": view.security_description}
            },
            "messages": messages,
            "schemas": {"CloudEvent": ENVELOPE, "PatientPseudonym": view.pseudonym, **schemas},
        },
    }


def _dump(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def render_internal(registry: Registry) -> str:
    return _dump(internal_document(registry))


def render_partner(registry: Registry, view: PartnerView) -> str:
    return _dump(partner_document(registry, view))
