"""Free-slot search: a site's slots by date range, page by page; the nearest across sites.

Places used (lon, lat): Ajain (0 km from the search point), Guéret (~10 km),
Limoges (~70 km, outside a 30 km search).
"""

from datetime import time

import pytest

from chassis.geo import haversine_km
from services.booking.handlers import motifs, weeks
from tests.support.booking import AJAIN, book, confirmed, next_week

GUERET = (1.8717, 46.1714)
LIMOGES = (1.2611, 45.8336)
EARLY = ((time(7, 0), time(8, 20)),)  # Guéret opens before Ajain (8:30) every day


def slots(client, headers=None, **args):
    response = client.get("/slots", query_string={"site_id": "site-ajain", **args}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def nearest(client, headers=None, **args):
    query = {"lon": AJAIN[0], "lat": AJAIN[1], "km": 30, **args}
    response = client.get("/slots/nearest", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def pages(fetch, per_page, **args):
    """Every page in turn until a short one: the concatenation."""
    found, page = [], 1
    while True:
        batch = fetch(page=page, per_page=per_page, **args)
        found.extend(batch)
        if len(batch) < per_page:
            return found
        page += 1


def test_a_date_range_keeps_only_its_days_both_ends_included(client, week):
    every = slots(client, per_page=200)
    days = sorted({s["day"] for s in every})
    assert len(days) == 5 and len(every) == 5 * 22  # 10 morning + 12 afternoon slots
    tuesday, wednesday = days[1], days[2]

    ranged = slots(client, per_page=200, **{"from": tuesday, "to": wednesday})
    assert {s["day"] for s in ranged} == {tuesday, wednesday}
    assert len(ranged) == 44
    assert [s["start"] for s in ranged] == sorted(s["start"] for s in ranged)
    one_day = slots(client, per_page=200, **{"from": wednesday, "to": wednesday})
    assert {s["day"] for s in one_day} == {wednesday} and len(one_day) == 22


def test_a_range_ending_before_it_starts_is_a_field_error(client, week):
    response = client.get(
        "/slots", query_string={"site_id": "site-ajain", "from": "2030-01-02", "to": "2030-01-01"}
    )
    assert response.status_code == 422
    assert "to" in response.get_json()["errors"]["query"]


def test_pages_of_free_slots_follow_each_other_without_gaps_or_repeats(client, week):
    every = slots(client, per_page=200)
    # a few slots taken: paging counts free slots only
    for n, slot in enumerate(every[3:30:4]):
        assert book(client, slot["id"], n=n).status_code == 201
    free = slots(client, per_page=200)
    assert len(free) == len(every) - 7

    paged = pages(lambda **a: slots(client, **a), per_page=9)
    assert [s["id"] for s in paged] == [s["id"] for s in free]
    assert slots(client, page=1000, per_page=9) == []


def test_a_two_slot_reason_is_offered_only_where_two_consecutive_slots_are_free(client, week):
    morning = slots(client, per_page=10)  # Monday 8:30 ... 11:30
    assert book(client, morning[1]["id"]).status_code == 201  # 8:50 taken

    starts = [s["id"] for s in slots(client, per_page=200, motif="bilan")]
    assert morning[0]["id"] not in starts  # 8:30: the next slot is taken
    assert morning[2]["id"] in starts  # 9:10 and 9:30 are free
    assert morning[9]["id"] not in starts  # 11:30: the morning ends at 11:50
    single = [s["id"] for s in slots(client, per_page=200, motif="consultation")]
    assert morning[0]["id"] in single and morning[9]["id"] in single

    paged = pages(lambda **a: slots(client, motif="bilan", **a), per_page=7)
    assert [s["id"] for s in paged] == starts
    refused = book(client, morning[0]["id"], n=2, motif="bilan")
    assert refused.status_code == 409


@pytest.fixture
def three_sites(booking_app, week):
    """Ajain (the week fixture), Guéret (earlier hours, ~10 km), Limoges (~70 km)."""
    for site, code, doctor_id, location in (
        ("gueret", "GUE", "doc-2", GUERET),
        ("limoges", "LIM", "doc-3", LIMOGES),
    ):
        weeks.apply_week(
            confirmed(
                week,
                site_id=f"site-{site}",
                site_code=code,
                assignment_id=f"asg-{code.lower()}",
                doctor_id=doctor_id,
                location=location,
                hours=EARLY,
            )
        )
    return week


def test_nearest_lists_the_earliest_slots_within_reach_with_their_distance(client, three_sites):
    found = nearest(client, per_page=50)
    assert {s["site_id"] for s in found} == {"site-ajain", "site-gueret"}  # not Limoges
    assert [s["start"] for s in found] == sorted(s["start"] for s in found)
    assert found[0]["site_id"] == "site-gueret"  # it opens first
    for slot in found:
        place = GUERET if slot["site_id"] == "site-gueret" else AJAIN
        assert slot["distance_km"] == round(haversine_km(*AJAIN, *place), 1)
    assert {s["distance_km"] for s in found} == {0.0, 10.5}
    paged = pages(lambda **a: nearest(client, **a), per_page=7)
    assert len(paged) == 5 * 22 + 5 * 4 and len({s["id"] for s in paged}) == len(paged)
    assert [s["id"] for s in paged[:50]] == [s["id"] for s in found]
    wider = nearest(client, per_page=50, km=100)
    assert "site-limoges" in {s["site_id"] for s in wider}


def test_nearest_by_distance_lists_the_nearest_place_first_then_by_time(client, three_sites):
    found = nearest(client, per_page=50, km=100, order="distance")
    distances = [s["distance_km"] for s in found]
    assert distances == sorted(distances)
    assert found[0]["site_id"] == "site-ajain"
    ajain = [s["start"] for s in found if s["site_id"] == "site-ajain"]
    assert ajain == sorted(ajain)
    paged = pages(lambda **a: nearest(client, km=100, order="distance", **a), per_page=13)
    everything = nearest(client, per_page=50, km=100, order="distance", page=1)
    assert [s["id"] for s in paged[:50]] == [s["id"] for s in everything]
    assert len({s["id"] for s in paged}) == len(paged)
    by_site = [s["site_id"] for s in paged]
    assert by_site == sorted(by_site, key=["site-ajain", "site-gueret", "site-limoges"].index)


def test_nearest_filters_by_reason_before_paging_so_pages_are_full(client, agent, three_sites):
    # Guéret (the earliest slots) does vaccinations by phone only
    motifs.upsert(
        "site-gueret",
        {
            "code": "vaccination",
            "label": "Vaccination",
            "duration_slots": 1,
            "online": False,
            "active": True,
        },
    )
    online = nearest(client, per_page=5, motif="vaccination")
    assert len(online) == 5 and {s["site_id"] for s in online} == {"site-ajain"}
    second = nearest(client, per_page=5, motif="vaccination", page=2)
    assert len(second) == 5 and not {s["id"] for s in online} & {s["id"] for s in second}
    staff = nearest(client, agent, per_page=4, motif="vaccination")  # a day at Guéret
    assert {s["site_id"] for s in staff} == {"site-gueret"}
    assert nearest(client, per_page=5, motif="no-such-reason") == []


def test_nearest_offers_a_two_slot_reason_only_at_two_free_consecutive_slots(client, three_sites):
    gueret = slots(client, site_id="site-gueret", per_page=4)  # 7:00 7:20 7:40 8:00
    assert book(client, gueret[1]["id"]).status_code == 201
    found = [s["id"] for s in nearest(client, per_page=50, motif="bilan")]
    assert gueret[0]["id"] not in found and gueret[1]["id"] not in found
    assert gueret[2]["id"] in found  # 7:40 + 8:00
    assert gueret[3]["id"] not in found  # 8:00: the morning ends at 8:20
    paged = pages(lambda **a: nearest(client, motif="bilan", **a), per_page=6)
    assert [s["id"] for s in paged][:50] == found


def test_a_week_of_a_site_without_a_location_makes_its_slots(booking_app, client):
    """A bus's week carries no site location (its stops have theirs): never a dead letter
    (issue 16: 15)."""
    from services.booking.handlers import weeks as w
    from tests.support.booking import confirmed as c

    event = c(next_week(2), site_id="site-nowhere", site_code="NWH", assignment_id="asg-nw")
    event.data["site_location"] = None
    w.apply_week(event)
    assert client.get("/slots", query_string={"site_id": "site-nowhere"}).get_json()
