"""Pure rules: which routing keys a binding may cover, and what a partner receives.

A partner's copy of a public event (:func:`for_partner`) holds the fields its
public schema declares and the CloudEvents attributes, nothing else, with the
patient id replaced by the partner's pseudonym: a field a newer producer adds
reaches partners only once the contract declares it public.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from chassis.problems import Invalid
from contracts.catalog import catalog
from contracts.registry import Registry

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
IDENTITY_FIELDS = ("patient_id",)
ENVELOPE_FIELDS = (
    "specversion",
    "id",
    "source",
    "type",
    "time",
    "subject",
    "datacontenttype",
    "correlationid",
    "data",
)
PSEUDONYM_PATTERN = r"^ps-[0-9a-f]{32}$"
# the key of the published examples (contracts/asyncapi.yaml): no partner has it
EXAMPLE_KEY = b"relais: the documentation's example partner"


def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic semantics: ``*`` is one word, ``#`` zero or more words."""

    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        if p[0] == "#":
            return any(match(p[1:], k[i:]) for i in range(len(k) + 1))
        return bool(k) and (p[0] in ("*", k[0])) and match(p[1:], k[1:])

    return match(pattern.split("."), key.split("."))


def check_bindings(patterns: list[str], registry: Registry) -> dict[str, list[str]]:
    """Each pattern's event types; a pattern reaching an internal event is refused."""
    if not patterns:
        raise Invalid("no_binding", "give at least one --bind pattern")
    covered = {}
    for pattern in patterns:
        if not re.fullmatch(r"[a-z0-9_*#]+(\.[a-z0-9_*#]+)*", pattern):
            raise Invalid("bad_binding", f"'{pattern}' is not a routing-key pattern")
        matching = [t for t in registry if topic_matches(pattern, t.type)]
        internal = [t.type for t in matching if not t.public]
        if internal:
            raise Invalid(
                "internal_binding",
                f"'{pattern}' would receive internal events: {', '.join(internal)}",
            )
        if not matching:
            raise Invalid("empty_binding", f"'{pattern}' matches no public event")
        covered[pattern] = [t.type for t in matching]
    return covered


def pseudonym(key: bytes, patient_id: str) -> str:
    """The same patient, the same partner: the same pseudonym; another partner: another one."""
    return "ps-" + hmac.new(key, patient_id.encode(), hashlib.sha256).hexdigest()[:32]


def public_view(envelope: dict, registry: Registry | None = None) -> dict:
    """The part of a public event any partner may see: declared fields only, still with
    the patient's id (made once per event, then :func:`pseudonymise`d per partner)."""
    event_type = (registry or catalog()).get(envelope["type"])
    if not event_type.public:
        raise ValueError(f"{event_type.type} is not public: partners never receive it")
    data = event_type.dump(event_type.load(envelope["data"]))  # undeclared fields dropped
    return {
        **{key: envelope[key] for key in ENVELOPE_FIELDS if key in envelope},
        "data": data,
    }


def pseudonymise(view: dict, key: bytes) -> dict:
    """One partner's copy of a :func:`public_view`: each patient id becomes its pseudonym,
    also where the subject names the patient."""
    data = dict(view["data"])
    copy = {**view, "data": data}
    for field in IDENTITY_FIELDS:
        if data.get(field):
            if view.get("subject") == data[field]:
                copy["subject"] = pseudonym(key, data[field])
            data[field] = pseudonym(key, data[field])
    return copy


def for_partner(envelope: dict, key: bytes, registry: Registry | None = None) -> dict:
    """The envelope a partner holding ``key`` receives for a public event."""
    return pseudonymise(public_view(envelope, registry), key)
