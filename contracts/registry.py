"""Event types: a routing key, a marshmallow schema, a sample, public or internal.

The routing key is the CloudEvents ``type``: ``<service>.<entity>.<verb>.v<major>``.
Within a major version a schema only gains optional fields, so consumers load
with ``unknown=EXCLUDE`` and producers validate strictly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError

TYPE_PATTERN = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+\.v[0-9]+$")


class UnknownEventType(KeyError):
    pass


@dataclass(frozen=True)
class EventType:
    type: str
    schema: type[Schema]
    sample: dict
    public: bool = False
    description: str = ""
    subject: str = "the id of the entity the event is about"
    medical: bool = False  # carries medical content: never public, never logged
    extras: dict = field(default_factory=dict)

    def __post_init__(self):
        if not TYPE_PATTERN.match(self.type):
            raise ValueError(f"event type {self.type!r} is not <service>.<entity>.<verb>.v<n>")
        if self.public and self.medical:
            raise ValueError(f"{self.type}: a public event cannot carry medical content")

    @property
    def service(self) -> str:
        return self.type.split(".", 1)[0]

    @property
    def major(self) -> int:
        return int(self.type.rsplit(".v", 1)[1])

    @cached_property
    def _strict(self) -> Schema:
        return self.schema(unknown=RAISE)

    @cached_property
    def _tolerant(self) -> Schema:
        return self.schema(unknown=EXCLUDE)

    def dump(self, data: dict) -> dict:
        """Producer side: strictly validated (Python values or JSON), returned JSON-ready."""
        schema = self._strict  # schema instances are reusable: building one is costly
        try:
            return schema.dump(schema.load(data))
        except ValidationError as exc:
            raise ValueError(f"{self.type} payload invalid: {exc.messages}") from None

    def load(self, payload: dict) -> dict:
        """Consumer side: tolerant of fields added later in the same major version."""
        return self._tolerant.load(payload)


class Registry:
    def __init__(self, types: Iterable[EventType] = ()):
        self._types: dict[str, EventType] = {}
        for event_type in types:
            self.add(event_type)

    def add(self, event_type: EventType) -> None:
        if event_type.type in self._types:
            raise ValueError(f"{event_type.type} registered twice")
        self._types[event_type.type] = event_type

    def get(self, type_: str) -> EventType:
        try:
            return self._types[type_]
        except KeyError:
            raise UnknownEventType(type_) from None

    def __contains__(self, type_: str) -> bool:
        return type_ in self._types

    def __iter__(self) -> Iterator[EventType]:
        return iter(sorted(self._types.values(), key=lambda t: t.type))

    def public(self) -> list[EventType]:
        return [t for t in self if t.public]

    def merged(self, *others: Registry) -> Registry:
        merged = Registry(self)
        for other in others:
            for event_type in other:
                merged.add(event_type)
        return merged
