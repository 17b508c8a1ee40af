"""The platform as production runs it, in one test: the gateway in front of booking and
records, their workers on the real broker, sign-in codes through a real SMTP server.

``live.edge`` is the gateway's test client; ``live.confirm_week(...)`` publishes a
roster week on the exchange (booking makes its slots, records learns who is on duty);
records' clock is moved to that week, so its doctor is on duty there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from chassis.bus.publisher import ConfirmingPublisher, Outgoing
from chassis.testing.waiting import wait_until
from contracts.catalog import catalog
from contracts.envelope import build, encode
from gateway.app import create_app as create_gateway
from gateway.settings import GatewaySettings
from gateway.upstreams import InProcessUpstream
from services.booking.app import create_app as booking_app
from services.booking.documents import Slot
from services.booking.worker import build_worker as booking_worker
from services.records.app import create_app as records_app
from services.records.clock import ShiftedClock
from services.records.worker import build_worker as records_worker
from tests.support.booking import next_week, week_data


@dataclass
class Live:
    edge: object  # the gateway's test client
    bus_settings: object
    clock: ShiftedClock
    week: str

    def confirm_week(self, **kwargs) -> None:
        event = build(catalog(), "roster.week.confirmed.v1", week_data(self.week, **kwargs))
        ConfirmingPublisher(self.bus_settings).publish(
            Outgoing(event["type"], encode(event), event["id"])
        )
        site = kwargs.get("site_id", "site-ajain")
        assert wait_until(lambda: Slot.objects(site_id=site).count() > 0)


@pytest.fixture
def live(make_config, bus_settings, issuer, mailbox):
    key = issuer.public_key_pem
    smtp = {"SMTP_URL": mailbox.url, "SMTP_FROM": "Relais <codes@relais.test>"}
    booking_config = make_config("booking", bus=bus_settings, jwt_public_key=key, extra=smtp)
    records_config = make_config("records", bus=bus_settings, jwt_public_key=key)
    clock = ShiftedClock()
    clock.travel(weeks=1)  # records' clock: as if during next week, the rota's week
    apps = {"booking": booking_app(booking_config), "records": records_app(records_config, clock)}
    workers = [booking_worker(booking_config), records_worker(records_config)]
    for worker in workers:
        worker.consumer.connect()  # queues bound before anything is published
        worker.start()
    # a rate-limit space of this test's own (limits kept in memory are shared in-process)
    # (the per-address limits have tests of their own: loose here)
    edge = {
        "GATEWAY_RATE_PREFIX": f"t-{uuid.uuid4().hex[:10]}",
        "GATEWAY_CODE_LIMIT": "100 per minute",
        "GATEWAY_LOGIN_LIMIT": "100 per minute",
    }
    gateway_config = make_config("gateway", jwt_public_key=key, extra=edge)
    upstreams = {name: InProcessUpstream(name, app) for name, app in apps.items()}
    gateway = create_gateway(upstreams, GatewaySettings.from_config(gateway_config), issuer)
    try:
        yield Live(gateway.test_client(), bus_settings, clock, next_week(1))
    finally:
        for worker in workers:
            worker.stop()
