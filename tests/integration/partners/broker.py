"""What partner tests do on the real broker: connect as a partner, read a queue, ask rabbitmqctl.

A partner's view goes through pika alone, as a partner's own client would.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from urllib.parse import urlsplit

import pika

from chassis.bus.publisher import ConfirmingPublisher, Outgoing
from contracts.catalog import catalog
from contracts.envelope import build, encode

BOOKED = "booking.appointment.booked.v1"
NOT_FOUND = 404
ACCESS_REFUSED = 403


def credentials(output: str) -> dict:
    """The connection details `relais partners add` printed."""
    return dict(re.findall(r"^\s*(\w+): (.*)$", output, re.M))


def connect(url: str, username: str, password: str, vhost: str = "/"):
    parts = urlsplit(url)
    return pika.BlockingConnection(
        pika.ConnectionParameters(
            host=parts.hostname,
            port=parts.port or 5672,
            virtual_host=vhost,
            credentials=pika.PlainCredentials(username, password),
            connection_attempts=1,
        )
    )


def connect_as(url: str, details: dict):
    """Connect with a partner's printed details (user, password, vhost)."""
    return connect(url, details["username"], details["password"], details["vhost"])


def receive(connection, queue, count=1, timeout=15):
    channel = connection.channel()
    received = []
    for method, _properties, body in channel.consume(queue, inactivity_timeout=timeout):
        if method is None:
            break
        channel.basic_ack(method.delivery_tag)
        received.append(body)
        if len(received) == count:
            break
    channel.cancel()
    return received


def publish_booked(bus_settings, patient_id):
    sample = catalog().get(BOOKED).sample
    envelope = build(
        catalog(), BOOKED, {**sample, "patient_id": patient_id, "appointment_id": uuid.uuid4().hex}
    )
    publisher = ConfirmingPublisher(bus_settings)
    try:
        publisher.publish(Outgoing(BOOKED, encode(envelope), envelope["id"]))
    finally:
        publisher.close()
    return envelope


def queue_exists(url: str, queue: str, vhost: str = "/") -> bool:
    """A passive declare as the broker's admin: NOT_FOUND means the queue is gone."""
    parts = urlsplit(url)
    connection = connect(url, parts.username or "guest", parts.password or "guest", vhost)
    try:
        connection.channel().queue_declare(queue, passive=True)
        return True
    except pika.exceptions.ChannelClosedByBroker as exc:
        if exc.reply_code == NOT_FOUND:
            return False
        raise
    finally:
        if connection.is_open:
            connection.close()


def rabbitmqctl(*args: str) -> str:
    done = subprocess.run(
        [shutil.which("rabbitmqctl") or "rabbitmqctl", "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def broker_users() -> set[str]:
    lines = rabbitmqctl("list_users", "--no-table-headers").splitlines()
    return {line.split("\t")[0] for line in lines if line.strip()}


def user_permissions(user: str) -> dict[str, tuple[str, str, str]]:
    """vhost -> (configure, write, read) of one broker user."""
    lines = rabbitmqctl("list_user_permissions", user, "--no-table-headers").splitlines()
    rows = [line.split("\t") for line in lines if line.strip()]
    return {row[0]: tuple(row[1:4]) for row in rows}


def queue_type(queue: str, vhost: str = "/") -> str | None:
    lines = rabbitmqctl("list_queues", "-p", vhost, "name", "type", "--no-table-headers")
    types = dict(line.split("\t")[:2] for line in lines.splitlines() if "\t" in line)
    return types.get(queue)
