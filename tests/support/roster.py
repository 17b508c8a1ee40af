"""Builders for roster tests: a centre, a mobile unit, doctors the directory knows."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from services.roster import handlers
from services.roster.app import create_app
from services.roster.domain import IsoWeek, with_check_digit
from tests.support.booking import letters

CENTRE = {
    "id": "site-ajain",
    "code": "AJN",
    "name": "Centre de santé d'Ajain",
    "kind": "centre",
    "commune": "Ajain",
    "address": "1 place de la Mairie, 23380 Ajain",
    "location": {"lon": 1.9980, "lat": 46.2068},
}
BUS = {
    "id": "bus-nord-87",
    "code": "BNH",
    "name": "Médicobus Nord Haute-Vienne",
    "kind": "mobile",
    "commune": "Bessines-sur-Gartempe",
    "professions": ["gp", "midwife"],
    "stops": [
        {
            "stop_id": "bessines",
            "commune": "Bessines-sur-Gartempe",
            "address": "Place de la Mairie",
            "location": {"lon": 1.3706, "lat": 46.1087},
            "weekday": 0,
            "start": "09:00",
            "end": "16:00",
        },
        {
            "stop_id": "lauriere",
            "commune": "Laurière",
            "address": "Champ de foire",
            "location": {"lon": 1.4736, "lat": 46.0764},
            "weekday": 2,
            "start": "09:00",
            "end": "12:30",
        },
    ],
}


def doctor(n: int, profession: str = "gp") -> dict:
    return {
        "family_name": f"Martin{letters(n)}",
        "given_name": "Claire",
        "rpps": with_check_digit(f"10{n:08d}"),
        "profession": profession,
        "phone": f"06 12 34 {n // 100 % 100:02d} {n % 100:02d}",
        "email": f"claire.martin{n}@example.org",
        "languages": ["fr", "en"],
    }


def known_to_directory(rpps: str, profession: str = "Médecin") -> None:
    handlers.record_correspondents([SimpleNamespace(data={"rpps": rpps, "profession": profession})])


def future_week(weeks_ahead: int = 3) -> str:
    return str(IsoWeek.of(date.today() + timedelta(weeks=weeks_ahead)))


@pytest.fixture
def roster_app(make_config, issuer):
    config = make_config("roster", jwt_public_key=issuer.public_key_pem)
    return create_app(config)


@pytest.fixture
def client(roster_app):
    return roster_app.test_client()


@pytest.fixture
def coordinator(bearer):
    return bearer("coordinator", sub="coord-1", sites=["site-ajain", "bus-nord-87"])


@pytest.fixture
def operator(bearer):
    return bearer("operator", sub="op-1")


@pytest.fixture
def centre(client, operator):
    response = client.post("/sites", json=CENTRE, headers=operator)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def register(client, coordinator):
    """``register(n, profession, known=True)``: a doctor, known to the directory by default."""

    def make(n: int, profession: str = "gp", known: bool = True) -> dict:
        body = doctor(n, profession)
        response = client.post("/doctors", json=body, headers=coordinator)
        assert response.status_code == 201, response.get_json()
        if known:
            known_to_directory(body["rpps"])
        return response.get_json()

    return make
