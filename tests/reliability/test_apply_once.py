"""``apply_once`` on the real database: a non-idempotent write happens once per event.

Competing workers may handle the same event (a redelivery) or different events
for the same new document at the same moment: the unique ``_id`` index and the
event ids kept in the document decide, never a read before the write.
"""

from concurrent.futures import ThreadPoolExecutor

import pymongo
import pytest

from chassis.idempotency import apply_once


@pytest.fixture
def counters(mongo_uri, db_prefix):
    client = pymongo.MongoClient(mongo_uri)
    database = client[f"{db_prefix}_probe"]
    database.create_collection("counters")
    yield database["counters"]
    client.close()


def inc(collection, event_id: str, key: str = "k") -> bool:
    return apply_once(collection, {"_id": key}, {"$inc": {"n": 1}}, event_id)


def test_a_replayed_event_changes_nothing_even_after_later_events(counters):
    assert inc(counters, "e1") is True
    assert inc(counters, "e2") is True
    assert inc(counters, "e1") is False
    assert counters.find_one({"_id": "k"})["n"] == 2


def test_the_effect_keeps_its_own_pushes(counters):
    update = {"$inc": {"n": 1}, "$push": {"log": "seen"}}
    assert apply_once(counters, {"_id": "k"}, update, "e1")
    assert not apply_once(counters, {"_id": "k"}, update, "e1")
    assert counters.find_one({"_id": "k"})["log"] == ["seen"]


def test_concurrent_events_on_a_new_document_each_count_once(counters):
    events = [f"e{i}" for i in range(20)] * 3  # each event three times, all at once
    with ThreadPoolExecutor(max_workers=20) as pool:
        applied = list(pool.map(lambda e: inc(counters, e), events))
    assert sum(applied) == 20
    assert counters.find_one({"_id": "k"})["n"] == 20
    assert counters.count_documents({}) == 1
