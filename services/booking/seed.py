"""Demo data for `make run`: a few appointments on the demo rota's slots.

The slots themselves come from the roster's events, as always; this waits for
them (the events travel in-process), then books for a handful of patients.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from services.booking.documents import Appointment, Slot, WeekState
from services.booking.domain import BookingRefused, now_utc
from services.booking.handlers import appointments

log = logging.getLogger(__name__)

PATIENTS = [
    ("Dupuis", "Marcelle", date(1938, 5, 2), "f", "05 55 62 10 01", "phone"),
    ("Lagrange", "Henri", date(1946, 11, 23), "m", "05 55 62 10 02", "phone"),
    ("Boucher", "Élodie", date(1989, 7, 9), "f", "06 71 20 30 03", "online"),
    ("Mercier", "Théo", date(2017, 2, 14), "m", "06 71 20 30 04", "online"),
    ("Fournier", "Jacqueline", date(1951, 3, 30), "f", "05 55 62 10 05", "phone"),
    ("Girard", "Nathalie", date(1974, 9, 18), "f", "06 71 20 30 06", "online"),
    ("Bonnet", "Lucas", date(1996, 1, 5), "m", "06 71 20 30 07", "online"),
    ("Roussel", "Yvette", date(1943, 12, 12), "f", "05 55 62 10 08", "walk_in"),
]


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
    for index, (family, given, born, sex, phone, channel) in enumerate(PATIENTS):
        site = "site-ajain" if index % 2 == 0 else "bus-nord-87"
        candidates = Slot.objects(
            site_id=site, status="open", held_back=False, start__gt=now_utc() + timedelta(days=1)
        ).order_by("start")
        slot = candidates.skip(3 + index * 4).first()
        if slot is None:
            continue
        patient = {
            "family_name": family,
            "given_name": given,
            "birth_date": born,
            "sex": sex,
            "phone": phone,
            "email": None,
            "has_gp": "no" if index % 3 else "yes",
        }
        data = {"slot_id": slot.id, "motif": "consultation", "patient": patient}
        try:
            appointments.book(data, channel=channel, by="seed", staff=True)
        except BookingRefused as exc:
            log.warning("demo appointment skipped", extra={"code": exc.code})
    log.info("booking demo data seeded", extra={"appointments": Appointment.objects.count()})
    return True
