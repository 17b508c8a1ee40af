"""Searching the book: nearest first (checked against haversine), text without accents."""

import random

import pytest

from chassis.geo import haversine_km
from services.directory.documents import Correspondent, KnownSite
from services.directory.search_keys import keys_for

AJAIN = (1.9983, 46.2071)


def add(name, specialty, lon, lat, **extra):
    doc = {
        "_id": f"local-{name}",
        "kind": "practitioner",
        "name": name,
        "specialty": specialty,
        "location": {"type": "Point", "coordinates": [lon, lat]},
        **extra,
    }
    Correspondent._get_collection().insert_one({**doc, **keys_for(doc)})


@pytest.fixture
def book(directory_app):
    rng = random.Random(7)
    for i in range(40):
        add(
            f"Médecin {i:02d}",
            "Cardiologie" if i % 3 == 0 else "Dermatologie",
            AJAIN[0] + rng.uniform(-0.6, 0.6),
            AJAIN[1] + rng.uniform(-0.4, 0.4),
        )
    add("Élodie Lefèvre-Dâmbry", "Pédiatrie", 1.87, 46.17)
    KnownSite(id="site-ajain", name="Ajain", location=list(AJAIN)).save()


def test_nearest_first_from_a_site_in_the_right_order(client, bearer, book):
    response = client.get(
        "/correspondents",
        query_string={"site_id": "site-ajain", "specialty": "cardio", "km": 100, "per_page": 100},
        headers=bearer("doctor"),
    )
    assert response.status_code == 200
    found = response.get_json()
    expected = sorted(
        (c for c in Correspondent.objects(specialty="Cardiologie")),
        key=lambda c: haversine_km(*AJAIN, *c.location["coordinates"]),
    )
    assert [c["id"] for c in found] == [c.id for c in expected]
    distances = [c["distance_km"] for c in found]
    assert distances == sorted(distances)
    first = expected[0].location["coordinates"]
    assert distances[0] == round(haversine_km(*AJAIN, *first), 2)


def test_a_radius_and_pages_cut_the_list(client, bearer, book):
    doctor = bearer("doctor")
    everything = client.get(
        "/correspondents",
        query_string={"lon": AJAIN[0], "lat": AJAIN[1], "km": 100, "per_page": 100},
        headers=doctor,
    ).get_json()
    close = client.get(
        "/correspondents",
        query_string={"lon": AJAIN[0], "lat": AJAIN[1], "km": 15, "per_page": 100},
        headers=doctor,
    ).get_json()
    assert 0 < len(close) < len(everything)
    assert all(c["distance_km"] <= 15 for c in close)
    page2 = client.get(
        "/correspondents",
        query_string={"lon": AJAIN[0], "lat": AJAIN[1], "km": 100, "per_page": 10, "page": 2},
        headers=doctor,
    ).get_json()
    assert [c["id"] for c in page2] == [c["id"] for c in everything[10:20]]


def test_names_are_found_without_accents_or_capitals(client, bearer, book):
    doctor = bearer("doctor")
    for q in ("lefevre", "LEFÈVRE", "elodie dambry", "dâm"):
        found = client.get("/correspondents", query_string={"q": q}, headers=doctor).get_json()
        assert [c["name"] for c in found] == ["Élodie Lefèvre-Dâmbry"], q


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"lon": 1.9}, "lat"),
        ({"km": -3, "lon": 1, "lat": 46}, "km"),
        ({"category": "spa"}, "category"),
        ({"per_page": 1000}, "per_page"),
        ({"q": ""}, "q"),
    ],
)
def test_bad_search_arguments_are_a_422(client, bearer, book, args, field):
    response = client.get("/correspondents", query_string=args, headers=bearer("doctor"))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]


def test_rpps_verification_for_the_roster(client, bearer, directory_app):
    Correspondent._get_collection().insert_one(
        {
            "_id": "rpps-10100000011-S1",
            "kind": "practitioner",
            "rpps": "10100000011",
            "name": "Hélène Lefèvre",
            "profession": "Médecin",
        }
    )
    doctor = bearer("coordinator")
    known = client.get("/rpps/10100000011", headers=doctor).get_json()
    assert known == {
        "rpps": "10100000011",
        "known": True,
        "profession": "Médecin",
        "name": "Hélène Lefèvre",
    }
    assert client.get("/rpps/10100000029", headers=doctor).get_json()["known"] is False
    assert client.get("/rpps/123", headers=doctor).status_code == 422
    assert client.get("/rpps/10100000011").status_code == 401


def test_practical_details_and_a_local_entry(client, bearer, book):
    coordinator = bearer("coordinator")
    created = client.post(
        "/correspondents",
        headers=coordinator,
        json={
            "kind": "practitioner",
            "name": "Marc Ostéo",
            "profession": "Ostéopathe",
            "commune": "Ajain",
            "location": {"lon": 2.0, "lat": 46.2},
        },
    )
    assert created.status_code == 201
    ident = created.get_json()["id"]
    changed = client.patch(
        f"/correspondents/{ident}",
        headers=coordinator,
        json={"accepting_new_patients": False, "typical_delay": "3 semaines"},
    )
    assert changed.get_json()["accepting_new_patients"] is False
    bad = client.patch(
        f"/correspondents/{ident}",
        headers=coordinator,
        json={"accepting_new_patients": "perhaps", "notes": "x"},
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["json"]) == {"accepting_new_patients", "notes"}


def test_the_category_filter_keeps_only_that_kind_of_structure(client, bearer, book):
    def structure(name, category, lon, lat):
        add(name, None, lon, lat, kind="structure", category=category)

    structure("Pharmacie du Centre", "pharmacy", 1.9990, 46.2080)
    structure("Pharmacie de la Gare", "pharmacy", 1.8700, 46.1700)
    structure("Grande Pharmacie de Guéret", "pharmacy", 1.8720, 46.1710)
    structure("Centre hospitalier de Guéret", "hospital", 1.8717, 46.1714)
    structure("Laboratoire Bio Creuse", "lab", 1.8750, 46.1690)
    doctor = bearer("doctor")

    by_name = client.get(
        "/correspondents", query_string={"category": "pharmacy"}, headers=doctor
    ).get_json()
    assert [c["name"] for c in by_name] == [
        "Grande Pharmacie de Guéret",
        "Pharmacie de la Gare",
        "Pharmacie du Centre",
    ]
    assert {c["category"] for c in by_name} == {"pharmacy"}

    nearest = client.get(
        "/correspondents",
        query_string={"category": "pharmacy", "site_id": "site-ajain", "km": 50},
        headers=doctor,
    ).get_json()
    assert nearest[0]["name"] == "Pharmacie du Centre"
    distances = [c["distance_km"] for c in nearest]
    assert distances == sorted(distances) and len(nearest) == 3

    hospital = client.get(
        "/correspondents", query_string={"category": "hospital", "q": "gueret"}, headers=doctor
    ).get_json()
    assert [c["name"] for c in hospital] == ["Centre hospitalier de Guéret"]
    none = client.get(
        "/correspondents", query_string={"category": "ehpad"}, headers=doctor
    ).get_json()
    assert none == []


def test_a_week_of_a_site_without_a_location_is_remembered_by_name(client):
    """A bus's week carries no site location: remembered without one, never a dead letter
    (issue 16: 15)."""
    from contracts.catalog import catalog
    from contracts.envelope import build, parse
    from services.directory import handlers
    from services.directory.documents import KnownSite
    from tests.support.booking import next_week, week_data

    data = {**week_data(next_week(2), site_id="bus-sud"), "site_location": None}
    handlers.site_changed(parse(build(catalog(), "roster.week.confirmed.v1", data), catalog()))
    known = KnownSite.objects.get(id="bus-sud")
    assert known.name and not known.location
