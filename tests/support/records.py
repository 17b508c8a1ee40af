"""Builders for records tests: patients, duty weeks, visits and consultations as the
events and the doctors bring them, and a clock the test moves (never a sleep)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from contracts.catalog import catalog
from contracts.envelope import build, parse
from contracts.weeks import IsoWeek
from services.records import handlers
from services.records.app import create_app
from services.records.clock import ShiftedClock
from services.records.documents import Visit


def this_week(offset: int = 0) -> IsoWeek:
    return IsoWeek.of(date.today()).next(offset)


def booking_event(type_: str, data: dict):
    """A booking event as the consumer receives it (built and parsed through the contract)."""
    return parse(build(catalog(), type_, data), catalog())


def identity(patient_id: str, sex="f", born=date(1960, 4, 2), name="Dupont", place="23096"):
    return {
        "patient_id": patient_id,
        "birth_name": name,
        "first_given_name": "Jeanne",
        "given_names": ["Jeanne"],
        "birth_date": born,
        "sex": sex,
        "birth_place": place,
        "identity_status": "provisional",
        "has_gp": "unknown",
    }


def register(patient_id: str, sex: str = "f", born: date = date(1960, 4, 2), name="Dupont"):
    data = identity(patient_id, sex, born, name)
    handlers.patient_registered(booking_event("booking.patient.registered.v2", data))


def validate(patient_id: str, at: datetime | None = None, **traits):
    data = {
        **identity(patient_id),
        **traits,
        "identity_status": "validated",
        "validated_at": at or datetime.now(UTC),
        "document": "cni",
    }
    handlers.patient_validated(booking_event("booking.patient.validated.v1", data))


def merge(patient_id: str, into: str, at: datetime | None = None, *, undo: bool = False):
    verb = "unmerged" if undo else "merged"
    data = {
        "patient_id": patient_id,
        "into": into,
        "at": at or datetime.now(UTC),
        "reason": "different_people" if undo else "same_person_document",
    }
    handlers.identity_linked(booking_event(f"booking.patient.{verb}.v1", data))


def on_duty(doctor_id: str, site_id: str, week: IsoWeek | None = None):
    week = week or this_week()
    handlers.duty_changed(
        SimpleNamespace(
            type="roster.week.confirmed.v1",
            data={
                "site_id": site_id,
                "week": str(week),
                "doctor_id": doctor_id,
                "assignment_id": f"asg-{site_id}-{week}",
                "revision": 1,
            },
        )
    )


def booked(appointment_id: str, patient_id: str, site_id: str, week: IsoWeek | None = None):
    week = week or this_week()
    start = datetime.combine(week.days()[2], datetime.min.time(), UTC) + timedelta(hours=9)
    handlers.appointment_changed(
        SimpleNamespace(
            type="booking.appointment.booked.v1",
            data={
                "appointment_id": appointment_id,
                "patient_id": patient_id,
                "site_id": site_id,
                "start": start,
                "end": start + timedelta(minutes=20),
                "channel": "online",
                "doctor_id": None,
            },
        )
    )


def consulted(appointment_id: str, doctor_id: str, *items: str, close: bool = False):
    """A consultation opened from the appointment (the doctor's own use case), with
    follow-ups left to the site; ``(consultation, [site items])``."""
    visit = Visit.objects.get(id=appointment_id)
    consultation = handlers.open_consultation(visit, "contrôle", doctor_id)
    left = [
        handlers.add_site_item(consultation, "follow_up", text, None, doctor_id) for text in items
    ]
    if close:
        consultation = handlers.close_consultation(consultation, doctor_id)
    return consultation, left


@pytest.fixture
def clock():
    """The records app's clock: real time shifted by what the test says (``travel``)."""
    return ShiftedClock()


@pytest.fixture
def records_app(make_config, issuer, clock):
    return create_app(make_config("records", jwt_public_key=issuer.public_key_pem), clock=clock)


@pytest.fixture
def client(records_app):
    return records_app.test_client()


@pytest.fixture
def care(client):
    """Dr A on duty at Ajain this week with patient P1 booked there; Dr B on duty on the
    bus with P2 booked there; P3 registered but booked nowhere."""
    for patient in ("p1", "p2", "p3"):
        register(patient)
    on_duty("doc-a", "site-ajain")
    on_duty("doc-b", "bus-nord-87")
    booked("apt-1", "p1", "site-ajain")
    booked("apt-2", "p2", "bus-nord-87")


@pytest.fixture
def world(care):
    """``care``, plus what the access matrix needs on every endpoint:

    - Dr C on duty this week at Guéret (another site, none of these patients there);
      Dr D on duty at Ajain last week (off duty now), who saw P3 there and left a
      follow-up to the site; P1 has a second appointment this week (``apt-1b``).
    - Open consultations: Dr A with P1 (a follow-up left), Dr B with P2 (one too);
      Dr D's consultation with P3 is closed.
    """
    on_duty("doc-c", "site-gueret")
    on_duty("doc-d", "site-ajain", this_week(-1))
    booked("apt-1b", "p1", "site-ajain")
    booked("apt-3", "p3", "site-ajain", this_week(-1))
    own, (own_item,) = consulted("apt-1", "doc-a", "revoir la tension dans 15 jours")
    site, (site_item,) = consulted("apt-2", "doc-b", "résultat de la glycémie à voir")
    other, (other_item,) = consulted("apt-3", "doc-d", "ECG de contrôle", close=True)
    return SimpleNamespace(
        consultations={"own": own.id, "other patient": other.id, "other site": site.id},
        items={"own": own_item.id, "other patient": other_item.id, "other site": site_item.id},
    )
