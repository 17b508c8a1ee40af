"""Builders for booking tests: roster week events, a booking app, patients."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chassis.testing.server import serving
from contracts.catalog import catalog
from contracts.envelope import build, parse
from contracts.weeks import IsoWeek
from services.booking.app import create_app
from tests.support.running import service_with_worker

PARIS = ZoneInfo("Europe/Paris")
AJAIN = (1.9983, 46.2071)


def week_data(
    week: str,
    *,
    site_id: str = "site-ajain",
    doctor_id: str = "doc-1",
    assignment_id: str = "asg-1",
    revision: int = 1,
    pace: int = 3,
    days: int = 5,
    hours: tuple = ((time(8, 30), time(12, 0)), (time(14, 0), time(18, 0))),
    held_back: list | None = None,
    home_visits: list | None = None,
    location: tuple[float, float] = AJAIN,
    site_code: str = "AJN",
    stop: dict | None = None,
) -> dict:
    monday = IsoWeek.parse(week).monday
    opening = []
    for offset in range(days):
        day = monday + timedelta(days=offset)
        for start, end in hours:
            opening.append(
                {
                    "start": datetime.combine(day, start, PARIS).astimezone(UTC),
                    "end": datetime.combine(day, end, PARIS).astimezone(UTC),
                    "stop": stop,
                }
            )
    return {
        "assignment_id": assignment_id,
        "revision": revision,
        "site_id": site_id,
        "site_code": site_code,
        "site_name": "Centre de santé d'Ajain",
        "site_kind": "mobile" if stop else "centre",
        "site_commune": "Ajain",
        "site_location": {"lon": location[0], "lat": location[1]},
        "week": week,
        "doctor_id": doctor_id,
        "doctor_name": f"Dr {doctor_id}",
        "profession": "gp",
        "pace": pace,
        "opening": opening,
        "closed": [],
        "held_back": held_back or [],
        "home_visit_blocks": home_visits or [],
    }


def roster_event(type_: str, data: dict):
    """A roster event as the consumer receives it (built and parsed through the contract)."""
    return parse(build(catalog(), type_, data), catalog())


def confirmed(week: str, **kwargs):
    return roster_event("roster.week.confirmed.v1", week_data(week, **kwargs))


def updated(week: str, **kwargs):
    return roster_event("roster.week.updated.v1", week_data(week, **kwargs))


def released(week: str, *, site_id="site-ajain", doctor_id="doc-1", assignment_id="asg-1"):
    data = {
        "assignment_id": assignment_id,
        "site_id": site_id,
        "week": week,
        "doctor_id": doctor_id,
        "reason": "ill",
    }
    return roster_event("roster.week.released.v1", data)


def next_week(n: int = 2) -> str:
    """The ISO week ``n`` weeks after this one (far enough for cut-offs and reminders)."""
    return str(IsoWeek.of(date.today()).next(n))


def patient(n: int = 1, **changes) -> dict:
    """A person as the booking form declares them (``n`` makes the name and phone)."""
    return {
        "birth_name": f"Dupont{letters(n)}",
        "first_given_name": "Jeanne",
        "birth_date": "1951-03-14",
        "sex": "f",
        "birth_place": "23096",  # Guéret
        "phone": f"05 55 00 {n // 100 % 100:02d} {n % 100:02d}",
        "email": f"jeanne{n}@example.org",
        **changes,
    }


def letters(n: int) -> str:
    """A number as letters (names are letters): 1 -> "b", 27 -> "bb"."""
    out = ""
    while True:
        out = "abcdefghijklmnopqrstuvwxyz"[n % 26] + out
        n //= 26
        if not n:
            return out


@pytest.fixture
def booking_app(make_config, issuer):
    return create_app(make_config("booking", jwt_public_key=issuer.public_key_pem))


@pytest.fixture
def client(booking_app):
    return booking_app.test_client()


@pytest.fixture
def agent(bearer):
    return bearer("agent", sub="agent-1")


@pytest.fixture
def week(booking_app):
    """A confirmed week next week at Ajain: its slots exist."""
    from services.booking.handlers import weeks

    name = next_week(2)
    weeks.apply_week(confirmed(name))
    return name


@pytest.fixture
def booking(make_config, bus_settings, issuer):
    """The booking service on a real socket, its worker on the real broker (relaying its
    outbox, consuming): ``(app, base URL)``, with a confirmed week next week at Ajain."""
    from services.booking.handlers import weeks

    with service_with_worker("booking", make_config, bus_settings, issuer) as app:
        weeks.apply_week(confirmed(next_week(2)))
        with serving(app, threads=64) as base:
            yield app, base


def first_slots(client, n: int = 2, **args) -> list[dict]:
    response = client.get("/slots", query_string={"site_id": "site-ajain", **args})
    assert response.status_code == 200, response.get_json()
    return response.get_json()[:n]


def book(client, slot_id: str, n: int = 1, headers=None, motif="consultation", **extra):
    body = {"slot_id": slot_id, "motif": motif, "patient": patient(n), **extra}
    return client.post("/appointments", json=body, headers=headers or {})


def book_for(client, slot_id: str, patient_id: str, headers, motif="consultation", **extra):
    """Staff book for a patient they found (by id)."""
    body = {"slot_id": slot_id, "motif": motif, "patient_id": patient_id, "channel": "phone"}
    return client.post("/appointments", json={**body, **extra}, headers=headers)


def week_monday(week: str) -> date:
    return IsoWeek.parse(week).monday


def snapshot() -> dict:
    """Every document of the booking database, as stored (to show nothing changed)."""
    from services.booking.documents import Appointment

    database = Appointment._get_collection().database
    return {
        name: sorted(database[name].find(), key=lambda d: str(d["_id"]))
        for name in sorted(database.list_collection_names())
    }
