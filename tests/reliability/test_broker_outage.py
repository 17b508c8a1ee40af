"""A broker outage never fails or loses an event: cut the TCP path, save, restore.

The relay and the consumer reach RabbitMQ through a proxy the test cuts; the
broker itself (shared on 5672) keeps running.
"""

from dataclasses import replace

from chassis.testing.waiting import wait_until
from tests.support import probe


def test_events_saved_during_an_outage_all_go_out_once_after_recovery(
    make_config, bus_settings, broker_proxy, background
):
    proxy, proxied_url = broker_proxy
    bus = replace(bus_settings, url=proxied_url, heartbeat=2, publish_timeout=3.0)
    producer = make_config("booking", bus=bus)
    consumer_config = make_config("records", bus=bus)
    probe.prepare()
    consumer = probe.consumer_for(consumer_config)
    consumer.connect()
    relay = probe.relay_for(producer)
    relay_thread = background(relay.run)
    consumer_thread = background(consumer.run)

    before = [probe.save_visit() for _ in range(20)]
    assert wait_until(lambda: len(probe.effects()) == 20)

    proxy.cut()
    during = []
    for _ in range(30):
        during.append(probe.save_visit())  # saving never fails while the broker is away
    # nothing got through: every one of them still carries its pending event
    assert not wait_until(lambda: len(probe.effects()) > 20, timeout=2)
    pending = {v.appointment_id: len(v.outbox) for v in probe.ProbeVisit.objects}
    assert all(pending[a] == 1 for a in during)
    assert all(pending[a] == 0 for a in before)

    proxy.restore()
    assert wait_until(lambda: len(probe.effects()) == 50, timeout=30)
    assert set(probe.effects()) == set(before) | set(during)
    assert set(probe.effects().values()) == {1}  # none twice in effect
    assert wait_until(lambda: probe.pending_events() == 0)
    # the same loops recovered by themselves: no thread was restarted
    assert relay_thread.is_alive() and consumer_thread.is_alive()

    # and both keep working after the catch-up
    late = probe.save_visit()
    assert wait_until(lambda: probe.effects().get(late) == 1, timeout=15)
