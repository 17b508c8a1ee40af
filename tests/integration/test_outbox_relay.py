"""The outbox relay's bookkeeping, on the real database, with a scripted publisher."""

from datetime import UTC, datetime

import pytest

from chassis import outbox
from chassis.bus.publisher import Outcome
from chassis.outbox import OutboxRelay
from contracts.catalog import catalog
from tests.support import probe


class ScriptedPublisher:
    """Our publisher port: answers the outcomes it is given, records what it saw."""

    def __init__(self, outcomes=None, during=None):
        self.outcomes = outcomes
        self.during = during
        self.published = []

    def publish_many(self, messages):
        self.published.extend(m.message_id for m in messages)
        if self.during:
            self.during()
        if self.outcomes is None:
            return [Outcome.CONFIRMED] * len(messages)
        return [self.outcomes.pop(0) for _ in messages]

    def heartbeat(self):
        pass

    def close(self):
        pass


@pytest.fixture
def visits(make_config):
    make_config("booking")
    make_config("records")
    probe.prepare()


def relay(publisher):
    return OutboxRelay("booking", lambda: [probe.ProbeVisit._get_collection()], publisher)


def raw(appointment):
    return probe.ProbeVisit._get_collection().find_one({"_id": appointment})


def test_a_relayed_document_keeps_no_pending_event_and_no_due_marker(visits):
    appointment = probe.save_visit()
    assert raw(appointment)["outbox_due"] is not None
    assert relay(ScriptedPublisher()).relay_once() == 1
    doc = raw(appointment)
    assert doc["outbox"] == [] and "outbox_due" not in doc
    assert relay(ScriptedPublisher()).relay_once() == 0


def test_an_event_added_while_the_relay_publishes_is_not_lost(visits):
    appointment = probe.save_visit()
    booked = catalog().get(probe.BOOKED)
    late = outbox.event(catalog(), probe.BOOKED, booked.sample, subject=appointment)

    def push_meanwhile():
        probe.ProbeVisit.objects(appointment_id=appointment).update_one(__raw__=outbox.push(late))

    assert relay(ScriptedPublisher(during=push_meanwhile)).relay_once() == 1
    doc = raw(appointment)
    assert [e["id"] for e in doc["outbox"]] == [late["id"]]
    assert doc["outbox_due"] is not None  # still found by the next pass
    second = ScriptedPublisher()
    assert relay(second).relay_once() == 1
    assert second.published == [late["id"]]


def test_a_returned_event_waits_alone_and_the_others_go(visits):
    returned, fine = probe.save_visit(), probe.save_visit()
    publisher = ScriptedPublisher()
    ids = {}
    for appointment in (returned, fine):
        ids[appointment] = raw(appointment)["outbox"][0]["id"]

    def outcomes_by_id(messages):
        publisher.published.extend(m.message_id for m in messages)
        return [
            Outcome.RETURNED if m.message_id == ids[returned] else Outcome.CONFIRMED
            for m in messages
        ]

    publisher.publish_many = outcomes_by_id
    assert relay(publisher).relay_once() == 1
    waiting = raw(returned)
    assert waiting["outbox"][0]["attempts"] == 1
    assert waiting["outbox_due"].replace(tzinfo=UTC) > datetime.now(UTC)
    assert raw(fine)["outbox"] == []
    # not due yet: the next pass leaves it alone
    assert relay(ScriptedPublisher()).relay_once() == 0


def test_unconfirmed_events_stay_due_and_the_pass_reports_the_outage(visits):
    appointment = probe.save_visit()
    from chassis.bus.publisher import PublishError

    with pytest.raises(PublishError):
        relay(ScriptedPublisher([Outcome.UNCONFIRMED])).relay_once()
    doc = raw(appointment)
    assert len(doc["outbox"]) == 1 and doc["outbox"][0]["attempts"] == 0
    assert relay(ScriptedPublisher()).relay_once() == 1
