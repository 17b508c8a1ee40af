"""What partners are told: the facts behind contracts/asyncapi.yaml.

The document's examples are made by the real transformation (``for_partner``
with a documentation key no partner has), and its names by the same
:class:`PartnerSettings` the service uses, with a deployment's defaults, so
the document cannot drift from what a partner's queue holds.
"""

from __future__ import annotations

from chassis.config import BusSettings
from contracts.asyncapi import PartnerView
from services.partners.domain import (
    EXAMPLE_KEY,
    IDENTITY_FIELDS,
    PSEUDONYM_PATTERN,
    for_partner,
    pseudonym,
)
from services.partners.topology import PartnerSettings

PARTNER = "{partner}"


def _example_copy(envelope: dict) -> dict:
    return for_partner(envelope, EXAMPLE_KEY)


def partner_view() -> PartnerView:
    names = PartnerSettings(BusSettings(), {})
    queue, user, exchange = names.queue(PARTNER), names.user(PARTNER), names.exchange
    return PartnerView(
        transform=_example_copy,
        pseudonym_fields=IDENTITY_FIELDS,
        pseudonym={
            "type": "string",
            "pattern": PSEUDONYM_PATTERN,
            "description": (
                "Your pseudonym for the patient, sent in the field `patient_id`: `ps-` and "
                "the first 32 hex digits of HMAC-SHA256(key, Relais's patient id), with a "
                "key Relais keeps for your organisation alone and never gives out. The same "
                "patient always has the same pseudonym in your events, so you can follow a "
                "patient's appointments; another partner gets another pseudonym for the "
                "same patient, and nobody can turn a pseudonym back into a patient without "
                "the key. Relais's own patient ids, names, phone numbers, birth dates and "
                "e-mail addresses are never sent."
            ),
            "example": pseudonym(EXAMPLE_KEY, "a patient"),
        },
        queue=queue,
        channel_description=(
            f"Your own durable queue `{queue}` (a quorum queue when the broker supports "
            "them), on the vhost of your connection details. It is bound to the direct "
            f"exchange `{exchange}` with your partner name as routing key, and to nothing "
            "else. The partners service consumes each public event once from Relais's "
            "internal exchange, makes your copy (your pseudonyms, declared fields only) and "
            f"publishes it there under the routing key `{PARTNER}`. So a message reaches "
            f"you with the AMQP routing key `{PARTNER}`; the event type is the envelope's "
            "`type`. AMQP properties: `message_id` is the event's `id`, `correlation_id` "
            "its `correlationid`, `content_type` `application/cloudevents+json`; messages "
            "are persistent and wait in your queue while you are away."
        ),
        selection=(
            "Which events reach you is set by the bindings the operator gave when creating "
            "your subscription, e.g. `relais partners add cpts-creuse --bind "
            "'booking.appointment.*.v1' --bind 'roster.gap.*.v1'`: routing-key patterns with "
            "AMQP topic semantics (`*` one word, `#` zero or more), matched against each "
            "event's `type`. A pattern may reach public events only (`booking.#` would reach "
            "internal ones and is refused). Relais applies them; you cannot bind anything "
            "yourself: ask the operator to change them. Consume with manual "
            "acknowledgements and ack each message once handled; an unacked message comes "
            "back after a reconnection."
        ),
        server_description=(
            "The RabbitMQ broker of the Relais deployment. Use the `host`, `port` and "
            "`vhost` printed with your credentials (vhost `/` unless told otherwise)."
        ),
        security_description=(
            f"Your own broker user `{user}` and its password, printed once when the "
            "operator creates your subscription (Relais does not keep it). The user is "
            "read-only: it may read your queue and nothing else; declaring, binding, "
            "publishing or reading another partner's queue is refused with ACCESS_REFUSED "
            "(403). Ask the operator to rotate the password (`relais partners "
            "rotate-password`): the old one stops working at once."
        ),
        summary=(
            "What a partner organisation (CPTS) receives from Relais, and how. Relais puts "
            f"a copy of each public event your subscription selects into your own queue "
            f"`{queue}`; read it with any AMQP 0.9.1 client (e.g. pika) and your own user.\n\n"
            "Public events carry no name, phone number, birth date, e-mail address or "
            "medical content. Where Relais has a patient's id, your copy's `patient_id` "
            "holds your pseudonym for that patient instead (see `PatientPseudonym`). The "
            "examples are exactly what a queue holds, made with a documentation key that no "
            "partner has: their pseudonyms match no real one."
        ),
    )
