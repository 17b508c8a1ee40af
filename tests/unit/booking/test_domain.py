from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chassis.names import name_key
from services.booking.domain import (
    slot_grid,
    slot_minutes,
    time_buckets,
    token_hash,
    token_matches,
)


def at(hour, minute=0, day=7):
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def week(pace=3, **extra):
    return {"pace": pace, "opening": [{"start": at(8), "end": at(11), "stop": None}], **extra}


@pytest.mark.parametrize(
    ("pace", "minutes", "count"), [(1, 60, 3), (3, 20, 9), (4, 15, 12), (6, 10, 18)]
)
def test_the_pace_cuts_opening_hours_into_slots(pace, minutes, count):
    grid = slot_grid(week(pace))
    assert slot_minutes(pace) == minutes and len(grid) == count
    assert all(s.end - s.start == timedelta(minutes=minutes) for s in grid)


def test_home_visits_remove_the_slots_they_overlap():
    grid = slot_grid(week(home_visit_blocks=[{"start": at(9, 10), "end": at(10)}]))
    assert [s.start for s in grid] == [at(8), at(8, 20), at(8, 40), at(10), at(10, 20), at(10, 40)]


def test_held_back_capacity_is_spread_over_the_day_and_released_later():
    release = at(7)
    grid = slot_grid(
        week(held_back=[{"date": date(2026, 12, 7), "slots": 3, "release_at": release}])
    )
    held = [s for s in grid if s.held_back]
    assert len(held) == 3 and all(s.release_at == release for s in held)
    assert held[0].start < held[1].start < held[2].start
    assert held[0].start != grid[0].start or held[1].start != grid[1].start


def test_names_match_without_accents_case_or_punctuation():
    assert name_key("Lefèvre-Élie") == name_key("LEFEVRE ELIE") == "lefevre elie"
    assert name_key("D'Aubigné") == "d aubigne"


def test_overlapping_appointments_of_a_patient_share_a_time_bucket():
    first = set(time_buckets("p", at(9), at(9, 20)))
    overlapping = set(time_buckets("p", at(9, 15), at(9, 30)))
    later = set(time_buckets("p", at(9, 20), at(9, 40)))
    assert first & overlapping and not first & later
    assert not first & set(time_buckets("q", at(9), at(9, 20)))


def test_back_to_back_twelve_minute_appointments_share_no_bucket():
    # pace 5: 08:00-08:12 then 08:12-08:24 (a 5-minute grid put both in 08:10)
    first = set(time_buckets("p", at(8), at(8, 12)))
    second = set(time_buckets("p", at(8, 12), at(8, 24)))
    assert not first & second
    assert first & set(time_buckets("p", at(8, 11), at(8, 23)))  # one minute of overlap


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.integers(0, 600), st.integers(1, 240), st.integers(0, 600), st.integers(1, 240))
def test_buckets_are_shared_exactly_when_two_appointments_overlap(s1, n1, s2, n2):
    """Any two appointments on whole minutes, any lengths (different paces, sites)."""
    base = at(6)
    a = (base + timedelta(minutes=s1), base + timedelta(minutes=s1 + n1))
    b = (base + timedelta(minutes=s2), base + timedelta(minutes=s2 + n2))
    overlap = a[0] < b[1] and b[0] < a[1]
    assert bool(set(time_buckets("p", *a)) & set(time_buckets("p", *b))) == overlap


def test_manage_tokens_are_compared_by_hash():
    assert token_matches("secret-token", token_hash("secret-token"))
    assert not token_matches("other", token_hash("secret-token"))
    assert not token_matches(None, token_hash("x"))
