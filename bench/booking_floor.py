"""Where a booking's time goes: the database commands of one booking, against one plain insert.

Books ``--bookings`` distinct slots for new patients by calling the booking
service's own ``book()`` in this process (no HTTP, no gunicorn), timing every
database command it sends; then times the same number of plain inserts into
an unindexed collection on the same server (the HTTP benchmark's baseline).
It shows how far the HTTP benchmark's ratio (booking / one insert) is set by
the database commands a booking needs, whatever the web layer does.
Usage: python -m bench.booking_floor [--bookings 500]
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections import defaultdict
from datetime import date

from pymongo import monitoring

from bench.booking import make_slots
from bench.common import amqp_url, mongo_uri, ratio
from chassis.config import ServiceConfig
from chassis.db import open_database
from services.booking.documents import DOCUMENTS, Slot


class Timings(monitoring.CommandListener):
    """Server round trips by command name, in microseconds, while ``on``."""

    def __init__(self):
        self.on = False
        self.by_command: dict[str, list[int]] = defaultdict(list)

    def started(self, event):
        pass

    def succeeded(self, event):
        if self.on:
            self.by_command[event.command_name].append(event.duration_micros)

    def failed(self, event):
        self.succeeded(event)


def _patient(i: int) -> dict:
    """A new person each time (as the form declares them)."""
    return {
        "birth_name": "Plancher",
        "first_given_name": "Test",
        "birth_date": date(1980, 1, 1),
        "sex": "f",
        "birth_place": "23096",
        "phone": "+33555000000",
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=500)
    args = parser.parse_args(argv)
    timings = Timings()
    monitoring.register(timings)
    from services.booking.handlers import appointments  # after the listener: it sees every client

    with mongo_uri() as uri:
        env = {"MONGODB_URI": uri, "MONGODB_DB_PREFIX": f"floor{uuid.uuid4().hex[:6]}"}
        config = ServiceConfig.from_env("booking", {**env, "AMQP_URL": amqp_url()})
        open_database(config, DOCUMENTS)
        slots = make_slots(sites=2, weeks_ahead=4)[: args.bookings + 50]
        book = {"motif": "consultation"}
        for i, slot_id in enumerate(slots):
            if i == 50:  # the first 50 warm the caches (motifs, sites, the id key)
                timings.on = True
                started = time.perf_counter()
            appointments.book(
                {**book, "slot_id": slot_id, "patient": _patient(i)},
                channel="phone",
                by="agent",
                staff=True,
            )
        booking_s = (time.perf_counter() - started) / (len(slots) - 50)
        timings.on = False
        count = len(slots) - 50
        booked = {name: list(times) for name, times in timings.by_command.items()}
        database = Slot._get_collection().database
        plain = database.client[f"{env['MONGODB_DB_PREFIX']}_plain"]["inserts"]
        plain.insert_one({"warm": True})
        timings.by_command.clear()
        timings.on = True
        for i in range(count):
            plain.insert_one({"slot_id": slots[i], "patient": f"Plancher{i}", "n": i})
        timings.on = False
        insert_ms = sum(timings.by_command["insert"]) / count / 1000
        database.client.drop_database(plain.database.name)
        database.client.drop_database(database.name)
    print(f"booking floor: {count} bookings of new patients, in process (no HTTP), same server")
    print(f"{'command':>14} {'per booking':>12} {'ms each':>8} {'ms per booking':>15}")
    total_ms = 0.0
    for name, times in sorted(booked.items(), key=lambda item: -sum(item[1])):
        per_booking = sum(times) / count / 1000
        total_ms += per_booking
        print(
            f"{name:>14} {len(times) / count:>12.2f} {sum(times) / len(times) / 1000:>8.2f} "
            f"{per_booking:>15.2f}"
        )
    print(f"{'database':>14} {'':>12} {'':>8} {total_ms:>15.2f}")
    print(f"{'all of book()':>14} {'':>12} {'':>8} {booking_s * 1000:>15.2f}")
    print(f"plain insert (the HTTP baseline's one command): {insert_ms:.2f} ms")
    print(
        f"a booking's database time is {total_ms / insert_ms:.1f}x a plain insert: "
        f"ratio {ratio(insert_ms, total_ms)} before any web cost"
    )


if __name__ == "__main__":
    main()
