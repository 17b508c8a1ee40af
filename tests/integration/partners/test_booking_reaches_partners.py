"""A real booking, through the booking API and its outbox relay, reaches a partner's queue.

Nothing personal survives the trip: the partner reads its queue with pika and its
own credentials, and finds a pseudonym where Relais has the patient's id.
"""

import json
import re
import urllib.request
import uuid

from contracts.catalog import catalog
from contracts.envelope import parse
from services.booking.documents import Patient
from services.partners.documents import Partner
from services.partners.domain import pseudonym
from tests.integration.partners.broker import BOOKED, connect_as, credentials, receive
from tests.support.booking import booking, patient

__all__ = ["booking"]  # the fixture


def call(base, method, path, body=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def leaves(value, path="$"):
    """Every (path, scalar) of a JSON value, keys included as scalars of their own."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}#key", key
            yield from leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def test_a_booking_reaches_a_partner_with_a_pseudonym_and_nothing_personal(
    partners, booking, bus_settings
):
    _, booking_api = booking
    name = f"cpts-bk-{uuid.uuid4().hex[:6]}"
    made = partners("add", name, "--bind", "booking.appointment.*.v1")
    assert made.exit_code == 0, made.output
    details = credentials(made.output)
    person = patient(
        7,
        birth_name="Lacoste-Érignac",
        used_name="Vialle",
        first_given_name="Marguerite",
        birth_place="87085",
    )
    slot = call(booking_api, "GET", "/slots?site_id=site-ajain")[0]

    booked = call(
        booking_api,
        "POST",
        "/appointments",
        {"slot_id": slot["id"], "motif": "consultation", "patient": person},
    )

    connection = connect_as(bus_settings.url, details)
    (body,) = receive(connection, details["queue"], 1, timeout=20)
    connection.close()
    envelope = json.loads(body)
    stored = Patient.objects.get(id=booked["patient_id"])
    personal = {
        "birth name": person["birth_name"],
        "used name": person["used_name"],
        "given name": person["first_given_name"],
        "birth place": person["birth_place"],
        "birth date": person["birth_date"],
        "birth date as stored": stored.birth_date.isoformat(),
        "phone": person["phone"],
        "phone as stored": stored.phone,
        "phone digits": re.sub(r"\D", "", person["phone"]),
        "phone national digits": re.sub(r"\D", "", person["phone"])[1:],
        "email": person["email"],
        "email as stored": stored.email,
        "raw patient id": booked["patient_id"],
    }
    text = body.decode()
    for what, value in personal.items():
        assert value and value not in text, f"the {what} is in the partner's message"
    for path, value in leaves(envelope):
        for what, secret in personal.items():
            assert secret.lower() not in str(value).lower(), f"{path} carries the {what}"

    event = parse(body, catalog())
    assert event.type == BOOKED and event.data["appointment_id"] == booked["id"]
    key = Partner.objects.get(id=name).pseudonym_key
    assert envelope["data"]["patient_id"] == pseudonym(key, booked["patient_id"])
    assert set(envelope["data"]) <= set(catalog().get(BOOKED).schema().fields)
