"""Staff act only where they work: every staff endpoint, for each role and place.

Coordinators act on the sites of their token's ``sites`` claim; a doctor acts
on the appointments of the site-weeks they hold (a confirmed roster week) and
reads the agenda and waiting list of the sites where they hold one; agents
(the call centre) and operators work for every site.  A refusal is a 403 in
the one JSON error shape, and nothing is written.
"""

from __future__ import annotations

import pytest

from services.booking.documents import Appointment
from services.booking.handlers import weeks
from tests.support.booking import confirmed, next_week, patient, snapshot, week_monday

OWN, OTHER_SITE, OTHER_WEEK = "own site-week", "another site", "own site, another doctor's week"
# place -> (site, week offset, doctor holding it)
PLACES = {
    OWN: ("site-ajain", 2, "doc-1"),
    OTHER_SITE: ("site-other", 2, "doc-2"),
    OTHER_WEEK: ("site-ajain", 3, "doc-3"),
}
ROLES = {
    "agent": {"sub": "agent-1"},
    "operator": {"sub": "ops-1"},
    "coordinator": {"sub": "coord-1", "sites": ["site-ajain"]},
    "doctor": {"sub": "doc-1"},
}
# endpoint -> (kind, success status): "act" changes an appointment, "read" reads a
# site's people, "setup" changes a site's settings (coordinators and operators only)
ENDPOINTS = {
    "view": ("read", 200),
    "agenda": ("read", 200),
    "waitlist": ("read", 200),
    "book": ("act", 201),
    "cancel": ("act", 200),
    "move": ("act", 200),
    "check-in": ("act", 200),
    "no-show": ("act", 200),
    "complete": ("act", 200),
    "motif": ("setup", 200),
    "settings": ("setup", 200),
}


def allowed(role: str, kind: str, place: str) -> bool:
    if role == "operator":
        return True
    if kind == "setup":
        return role == "coordinator" and place != OTHER_SITE
    if role == "agent":
        return True
    if role == "coordinator":
        return place != OTHER_SITE
    # doctor: acts in the site-weeks they hold, reads at the sites where they hold one
    return place == OWN or (place == OTHER_WEEK and kind == "read")


@pytest.fixture
def places(client, agent):
    """At each place: a confirmed week, a booked appointment and a free slot."""
    found = {}
    for n, (place, (site_id, offset, doctor)) in enumerate(PLACES.items(), start=1):
        week = next_week(offset)
        weeks.apply_week(
            confirmed(
                week,
                site_id=site_id,
                site_code=site_id[5:8].upper(),
                doctor_id=doctor,
                assignment_id=f"asg-{site_id}-{offset}",
                days=1,
            )
        )
        day = week_monday(week).isoformat()
        query = {"site_id": site_id, "from": day, "to": day}
        first, second, third = client.get("/slots", query_string=query, headers=agent).json[:3]
        assert {s["id"].split("|")[2][:8] for s in (first, second, third)} == {day.replace("-", "")}
        body = {"slot_id": first["id"], "motif": "consultation", "patient": patient(n)}
        booked = client.post("/appointments", json={**body, "channel": "phone"}, headers=agent)
        assert booked.status_code == 201, booked.get_json()
        found[place] = {
            "site_id": site_id,
            "day": day,
            "reference": booked.get_json()["reference"],
            "free": second["id"],
            "other_free": third["id"],
        }
    return found


def call(client, endpoint: str, at: dict, headers: dict):
    reference = at["reference"]
    site = at["site_id"]
    if endpoint == "view":
        return client.get(f"/appointments/{reference}", headers=headers)
    if endpoint == "agenda":
        return client.get(
            "/agenda", query_string={"site_id": site, "day": at["day"]}, headers=headers
        )
    if endpoint == "waitlist":
        return client.get("/waitlist", query_string={"site_id": site}, headers=headers)
    if endpoint == "book":
        body = {"slot_id": at["other_free"], "motif": "consultation", "patient": patient(77)}
        return client.post("/appointments", json={**body, "channel": "phone"}, headers=headers)
    if endpoint == "move":
        return client.post(
            f"/appointments/{reference}/move", json={"slot_id": at["free"]}, headers=headers
        )
    if endpoint == "motif":
        body = {"code": "consultation", "label": "Consultation courte", "duration_slots": 1}
        return client.put(f"/sites/{site}/motifs/consultation", json=body, headers=headers)
    if endpoint == "settings":
        return client.put(
            f"/sites/{site}/settings", json={"cancel_cutoff_hours": 12}, headers=headers
        )
    return client.post(f"/appointments/{reference}/{endpoint}", headers=headers)


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("role", list(ROLES))
def test_staff_act_only_where_they_work(client, bearer, places, role, endpoint, place):
    kind, success = ENDPOINTS[endpoint]
    headers = bearer(role, **ROLES[role])
    before = snapshot()
    response = call(client, endpoint, places[place], headers)
    if allowed(role, kind, place):
        assert response.status_code == success, response.get_json()
        return
    assert response.status_code == 403, response.get_json()
    body = response.get_json()
    assert body["status"] == 403 and body["error"] == "Forbidden" and body["message"]
    assert snapshot() == before


def test_a_coordinator_cannot_move_an_appointment_into_another_site(client, bearer, places):
    own, other = places[OWN], places[OTHER_SITE]
    coordinator = bearer("coordinator", sub="coord-1", sites=["site-ajain"])
    before = snapshot()
    response = client.post(
        f"/appointments/{own['reference']}/move",
        json={"slot_id": other["free"]},
        headers=coordinator,
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_a_doctor_cannot_move_an_appointment_into_another_doctors_week(client, bearer, places):
    own, later = places[OWN], places[OTHER_WEEK]
    doctor = bearer("doctor", sub="doc-1")
    before = snapshot()
    response = client.post(
        f"/appointments/{own['reference']}/move", json={"slot_id": later["free"]}, headers=doctor
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_a_doctor_whose_week_was_released_no_longer_acts_there(client, bearer, places):
    from tests.support.booking import released

    weeks.release_week(released(next_week(2), doctor_id="doc-1", assignment_id="asg-site-ajain-2"))
    doctor = bearer("doctor", sub="doc-1")
    reference = places[OWN]["reference"]
    assert client.post(f"/appointments/{reference}/check-in", headers=doctor).status_code == 403
    assert Appointment.objects.get(reference=reference).status == "booked"


def test_a_patients_appointments_are_listed_where_the_caller_works(client, bearer, agent, places):
    # one patient booked at all three places
    patient_id = None
    for place in PLACES:  # not at the same time at two sites
        slot = places[place]["free" if place == OTHER_SITE else "other_free"]
        body = {"slot_id": slot, "motif": "consultation", "channel": "phone"}
        who = {"patient_id": patient_id} if patient_id else {"patient": patient(50)}
        booked = client.post("/appointments", json={**body, **who}, headers=agent)
        assert booked.status_code == 201, booked.get_json()
        patient_id = booked.get_json()["patient_id"]

    def sites(headers):
        response = client.get(f"/patients/{patient_id}/appointments", headers=headers)
        assert response.status_code == 200
        return sorted(a["site_id"] for a in response.get_json())

    assert sites(agent) == ["site-ajain", "site-ajain", "site-other"]
    assert sites(bearer("coordinator", sites=["site-ajain"])) == ["site-ajain", "site-ajain"]
    assert sites(bearer("coordinator", sites=["site-other"])) == ["site-other"]
    assert sites(bearer("doctor", sub="doc-2")) == ["site-other"]
    assert sites(bearer("doctor", sub="doc-9")) == []


def test_staff_see_the_staff_only_reasons_of_their_own_sites_only(client, bearer, places):
    coordinator = bearer("coordinator", sites=["site-ajain"])

    def codes(site_id):
        return {m["code"] for m in client.get(f"/sites/{site_id}/motifs", headers=coordinator).json}

    assert "soins-non-programmes" in codes("site-ajain")
    assert "soins-non-programmes" not in codes("site-other")
