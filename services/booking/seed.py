"""Demo data for `make run`: a few appointments on the demo rota's slots.

The slots themselves come from the roster's events, as always; this waits for
them (the events travel in-process), then books for a handful of patients.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from chassis.auth import Principal
from chassis.phones import normalise_phone
from services.booking.documents import Appointment, Slot, WeekState
from services.booking.domain import BookingRefused, now_utc
from services.booking.handlers import appointments, identities, patients

log = logging.getLogger(__name__)

# birth name, used name, given names, birth date, sex, birth place (INSEE), phone, channel
PATIENTS = [
    (
        "Lacour",
        "Dupuis",
        ["Marcelle", "Louise"],
        date(1938, 5, 2),
        "f",
        "23096",
        "05 55 62 10 01",
        "phone",
    ),
    ("Lagrange", None, ["Henri"], date(1946, 11, 23), "m", "23002", "05 55 62 10 02", "phone"),
    (
        "Boucher",
        None,
        ["Élodie", "Anne"],
        date(1989, 7, 9),
        "f",
        "87085",
        "06 71 20 30 03",
        "online",
    ),
    ("Mercier", None, ["Théo"], date(2017, 2, 14), "m", "23096", "06 71 20 30 04", "online"),
    ("Fournier", None, ["Jacqueline"], date(1951, 3, 30), "f", "99134", "05 55 62 10 05", "phone"),
    ("Girard", None, ["Nathalie"], date(1974, 9, 18), "f", "87154", "06 71 20 30 06", "online"),
    ("Bonnet", None, ["Lucas"], date(1996, 1, 5), "m", "87085", "06 71 20 30 07", "online"),
    ("Roussel", None, ["Yvette"], date(1943, 12, 12), "f", "23096", "05 55 62 10 08", "walk_in"),
]


# patients whose identity the desk has validated, and the e-mail they sign in with
VALIDATED = {0: "marcelle.dupuis@example.org", 1: "henri.lagrange@example.org"}
DESK = Principal(subject="seed", role="operator")


def _validate(patient_id: str, email: str) -> None:
    patient = patients.get(patient_id)
    identities.validate(
        patient,
        DESK,
        document="cni",
        corrections={},
        sign_in={"email": email},
        ins=None,
        confirm_new=True,
    )


def _wait_for_slots(timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if WeekState.objects.count() >= 10:  # most of the demo rota's weeks
            return True
        time.sleep(0.5)
    return False


def seed() -> bool:
    if Appointment.objects.count():
        return False
    if not _wait_for_slots():
        log.warning("no slots arrived from the roster: no demo appointments")
        return False
    for index, (birth, used, given, born, sex, place, phone, channel) in enumerate(PATIENTS):
        site = "site-ajain" if index % 2 == 0 else "bus-nord-87"
        candidates = Slot.objects(
            site_id=site, status="open", held_back=False, start__gt=now_utc() + timedelta(days=1)
        ).order_by("start")
        slot = candidates.skip(3 + index * 4).first()
        if slot is None:
            continue
        patient = {
            "birth_name": birth,
            "used_name": used,
            "first_given_name": given[0],
            "given_names": given,
            "birth_date": born,
            "sex": sex,
            "birth_place": place,
            "phone": normalise_phone(phone),
            "email": None,
            "has_gp": "no" if index % 3 else "yes",
        }
        data = {"slot_id": slot.id, "motif": "consultation", "patient": patient}
        try:
            booked, _ = appointments.book(data, channel=channel, by="seed", staff=True)
        except BookingRefused as exc:
            log.warning("demo appointment skipped", extra={"code": exc.code})
            continue
        if index in VALIDATED:  # seen at the desk already, with a sign-in e-mail
            _validate(booked.patient_id, VALIDATED[index])
        if index == 0:  # and she booked again online: an identity of her own, a candidate
            again = candidates.skip(4).first()
            if again is not None:
                online = {**data, "slot_id": again.id}
                appointments.book(online, channel="online", by=None, staff=False)
    log.info("booking demo data seeded", extra={"appointments": Appointment.objects.count()})
    return True
