"""Demo data for `make run`: the Ajain centre, a médico-bus, 12 doctors, offers, a rota.

Runs once (when the roster has no site).  The rota covers most of the next
eight weeks and leaves some gaps for the coordinator to fill.
"""

from __future__ import annotations

import logging
import time

from relais.demo import DOCTORS, doctor_rpps
from services.roster import handlers
from services.roster.documents import KnownPractitioner, Site
from services.roster.domain import IsoWeek

log = logging.getLogger(__name__)

AJAIN = {
    "id": "site-ajain",
    "code": "AJN",
    "name": "Centre de santé d'Ajain",
    "kind": "centre",
    "commune": "Ajain",
    "address": "2 place de l'Église, 23380 Ajain",
    "location": {"lon": 1.9983, "lat": 46.2071},
    "professions": ["gp"],
    "hours": None,
    "closed_thursday_afternoon": True,
    "stops": [],
}

_STOPS = [
    ("bessines", "Bessines-sur-Gartempe", "Place de la Mairie", 1.3706, 46.1087, 0),
    ("chateauponsac", "Châteauponsac", "Place Saint-Thyrse", 1.2750, 46.1356, 1),
    ("lauriere", "Laurière", "Champ de foire", 1.4736, 46.0764, 2),
    ("saint-sulpice", "Saint-Sulpice-Laurière", "Place de la Gare", 1.4731, 46.0453, 3),
    ("ambazac", "Ambazac", "Place de l'Hôtel de Ville", 1.3997, 45.9597, 4),
]
BUS = {
    "id": "bus-nord-87",
    "code": "BNH",
    "name": "Médicobus Nord Haute-Vienne",
    "kind": "mobile",
    "commune": "Bessines-sur-Gartempe",
    "address": "",
    "location": {"lon": 1.3706, "lat": 46.1087},
    "professions": ["gp", "midwife"],
    "hours": [],
    "closed_thursday_afternoon": False,
    "stops": [
        {
            "stop_id": stop_id,
            "commune": commune,
            "address": address,
            "location": {"lon": lon, "lat": lat},
            "weekday": weekday,
            "start": "09:00",
            "end": "12:30" if weekday == 3 else "16:30",
        }
        for stop_id, commune, address, lon, lat, weekday in _STOPS
    ],
}


def demo_doctor(index: int) -> dict:
    family, given, profession = DOCTORS[index]
    return {
        "family_name": family,
        "given_name": given,
        "rpps": doctor_rpps(index),
        "profession": profession,
        "phone": f"06 40 00 {index:02d} {10 + index:02d}",
        "email": f"{given.lower().replace('é', 'e')}.{family.lower()}@medecins-volontaires.fr",
        "languages": ["fr", "en"] if index % 3 == 0 else ["fr"],
    }


def _wait_for_the_directory(timeout: float = 20.0) -> None:
    """The directory's demo import announces the doctors; give its events time to arrive."""
    deadline = time.monotonic() + timeout
    wanted = [doctor_rpps(i) for i in range(len(DOCTORS))]
    while time.monotonic() < deadline:
        if KnownPractitioner.objects(id__in=wanted).count() == len(wanted):
            return
        time.sleep(0.3)


def seed(start: IsoWeek | None = None) -> bool:
    if Site.objects.count():
        return False
    _wait_for_the_directory()
    start = start or IsoWeek.of(handlers.today())
    handlers.register_site(AJAIN)
    handlers.register_site(BUS)
    doctors = [handlers.register_doctor(demo_doctor(i)) for i in range(len(DOCTORS))]
    weeks = [start.next(n) for n in range(8)]
    gps = [d for d in doctors if d.profession == "gp"]
    midwives = [d for d in doctors if d.profession == "midwife"]
    for n, doctor in enumerate(doctors):
        handlers.offer_weeks(
            {
                "doctor_id": doctor.id,
                "weeks": [str(weeks[(n + k) % 8]) for k in (0, 3)],
                "preferred_sites": ["site-ajain"] if doctor.profession == "gp" else ["bus-nord-87"],
                "note": "",
            }
        )
    # Ajain: a GP every week but the sixth; the bus: GPs and midwives, two gaps
    plan = [("site-ajain", week, gps[i % len(gps)]) for i, week in enumerate(weeks) if i != 5]
    bus_staff = [gps[9], midwives[0], gps[8], midwives[1], gps[7], gps[9], midwives[0], gps[8]]
    plan += [("bus-nord-87", week, bus_staff[i]) for i, week in enumerate(weeks) if i not in (2, 7)]
    for site_id, week, doctor in plan:
        known = handlers.rpps_known(doctor.rpps)
        handlers.assign(
            site_id,
            str(week),
            doctor.id,
            confirm=True,
            by="seed",
            override_reason=None if known else "demo data: RPPS not yet in the directory",
        )
    log.info("roster demo data seeded", extra={"sites": 2, "doctors": len(doctors)})
    return True
