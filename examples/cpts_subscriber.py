"""A partner's subscriber to Relais events: pika only, manual acks, reconnects by itself.

Run it with the connection details `relais partners add` printed:

    RELAIS_AMQP_HOST=127.0.0.1 RELAIS_VHOST=/ RELAIS_USER=partner.cpts-creuse \
    RELAIS_PASSWORD=... RELAIS_QUEUE=partner.cpts-creuse python examples/cpts_subscriber.py

(``RELAIS_VHOST``: the ``vhost`` printed with your credentials.)  Each message
is a CloudEvents 1.0 envelope (JSON), described in contracts/asyncapi.yaml.
``patient_id`` is a pseudonym of your own (``ps-`` and 32 hex digits): the same
patient always has the same one for you, and another one for other partners.
An event may arrive twice (after a reconnection): ``id`` tells you.
This file imports nothing from Relais.
"""

from __future__ import annotations

import json
import logging
import os
import time

import pika

REQUIRED = ("specversion", "id", "source", "type", "time", "data")
log = logging.getLogger("cpts-subscriber")


def valid_envelope(body: bytes) -> dict | None:
    try:
        event = json.loads(body)
    except ValueError:
        return None
    if not isinstance(event, dict) or any(key not in event for key in REQUIRED):
        return None
    if event["specversion"] != "1.0" or not isinstance(event["data"], dict):
        return None
    return event


def handle(event: dict) -> None:
    """Your system's work: here, a line per event."""
    data = event["data"]
    print(
        f"{event['time']} {event['type']} site={data.get('site_id')} "
        f"patient={data.get('patient_id')} start={data.get('start')}",
        flush=True,
    )


def consume(parameters: pika.ConnectionParameters, queue: str, seen: set) -> None:
    connection = pika.BlockingConnection(parameters)
    channel = connection.channel()
    channel.basic_qos(prefetch_count=20)
    for method, _properties, body in channel.consume(queue, inactivity_timeout=30):
        if method is None:
            continue  # quiet: keep waiting (heartbeats keep the connection alive)
        event = valid_envelope(body)
        if event is None:
            log.warning("not a CloudEvents envelope: dropped")
            channel.basic_reject(method.delivery_tag, requeue=False)
            continue
        if event["id"] not in seen:  # delivered again after a reconnection
            handle(event)
            seen.add(event["id"])
            if len(seen) > 100_000:
                seen.clear()
        channel.basic_ack(method.delivery_tag)  # only once handled


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    parameters = pika.ConnectionParameters(
        host=os.environ.get("RELAIS_AMQP_HOST", "127.0.0.1"),
        port=int(os.environ.get("RELAIS_AMQP_PORT", "5672")),
        virtual_host=os.environ.get("RELAIS_VHOST", "/"),
        credentials=pika.PlainCredentials(os.environ["RELAIS_USER"], os.environ["RELAIS_PASSWORD"]),
        heartbeat=30,
        connection_attempts=3,
        retry_delay=2,
    )
    queue = os.environ["RELAIS_QUEUE"]
    seen: set = set()
    backoff = 1.0
    while True:
        try:
            consume(parameters, queue, seen)
        except pika.exceptions.ProbableAuthenticationError:
            raise SystemExit("wrong user or password") from None
        except (pika.exceptions.AMQPConnectionError, pika.exceptions.ChannelClosed) as exc:
            log.warning("connection lost (%s); reconnecting in %.0f s", type(exc).__name__, backoff)
            time.sleep(backoff)
            backoff = min(backoff * 2, 60)
        except KeyboardInterrupt:
            return
        else:
            backoff = 1.0


if __name__ == "__main__":
    main()
