"""Bookings/s and latency of the booking service under gunicorn, against a one-insert baseline.

Every booking takes a distinct slot (and a distinct patient).  In the same run
and on the same database, a minimal Flask + pymongo endpoint doing one insert
is measured with the same gunicorn settings and the same wrk load; the ratio
booking / baseline is printed per concurrency (1, 5, 20 connections) with
p50 and p99 latencies.  Usage: python -m bench.booking [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

from bench.common import amqp_url, mongo_uri, ratio
from bench.http import gunicorn, require_wrk, wrk
from chassis.config import ServiceConfig
from chassis.db import open_database
from contracts.weeks import IsoWeek
from services.booking.documents import DOCUMENTS, Slot
from services.booking.domain import now_utc
from services.booking.handlers import weeks
from tests.support.booking import roster_event, week_data

LEVELS = (1, 5, 20)
WARM_UP = 300  # slots booked before measuring


def make_slots(sites: int, weeks_ahead: int) -> list[str]:
    first = IsoWeek.of(date.today()).next(2)
    for site in range(sites):
        for n in range(weeks_ahead):
            data = week_data(
                str(first.next(n)),
                site_id=f"bench-{site}",
                pace=6,
                assignment_id=f"bench-{site}-{n}",
                doctor_id=f"doc-{site}",
            )
            data["site_code"] = f"B{site:02d}"
            weeks.apply_week(roster_event("roster.week.confirmed.v1", data))
    later = now_utc() + timedelta(days=1)
    return [s.id for s in Slot.objects(start__gt=later).only("id").order_by("start")]


def write_bodies(folder: Path, name: str, slot_ids: list[str]) -> Path:
    path = folder / f"{name}.jsonl"
    with path.open("w") as out:
        for slot_id in slot_ids:
            patient = {
                "birth_name": "Banc",
                "first_given_name": "Test",
                "birth_date": "1980-01-01",
                "sex": "m",
                "birth_place": "23096",
                "phone": "05 55 00 00 00",
            }
            out.write(
                json.dumps({"slot_id": slot_id, "motif": "consultation", "patient": patient}) + "\n"
            )
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sites", type=int, default=12)
    parser.add_argument("--weeks", type=int, default=6)
    args = parser.parse_args(argv)
    require_wrk()
    tag = uuid.uuid4().hex[:6]
    with mongo_uri() as uri, tempfile.TemporaryDirectory() as tmp:
        env = {
            "MONGODB_URI": uri,
            "MONGODB_DB_PREFIX": f"bench{tag}",
            "AMQP_URL": amqp_url(),
            "BASELINE_DB": f"bench{tag}_baseline",
            "LOG_LEVEL": "WARNING",
        }
        config = ServiceConfig.from_env("booking", env)
        open_database(config, DOCUMENTS)
        slots = make_slots(args.sites, args.weeks)
        warm_up, slots = slots[:WARM_UP], slots[WARM_UP:]
        share = len(slots) // len(LEVELS)
        print(
            f"booking benchmark: {len(slots)} free slots, gunicorn 2 workers x 8 threads, "
            f"wrk {args.seconds}s per run"
        )
        rows = []
        with (
            gunicorn("services.booking.app:create_app()", env) as booking,
            gunicorn("bench.baseline_app:create_app()", env) as baseline,
        ):
            warm = write_bodies(Path(tmp), "warm", warm_up)
            wrk(baseline + "/insert", warm, 2, 2, repeat=True)  # first connections, caches
            wrk(booking + "/appointments", warm, 2, 2)
            for index, level in enumerate(LEVELS):
                bodies = write_bodies(
                    Path(tmp), f"c{level}", slots[index * share : (index + 1) * share]
                )
                base = wrk(baseline + "/insert", bodies, level, args.seconds, repeat=True)
                booked = wrk(booking + "/appointments", bodies, level, args.seconds)
                if booked.requests >= share:
                    print(f"  (c={level}: every slot of its share booked; raise --sites/--weeks)")
                rows.append((level, booked, base))
        print(
            f"{'clients':>8} {'bookings/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7} "
            f"{'baseline/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6}"
        )
        for level, booked, base in rows:
            print(
                f"{level:>8} {booked.rate:>11.0f} {booked.p50_ms:>7.1f} {booked.p99_ms:>7.1f} "
                f"{booked.non2xx:>7} {base.rate:>11.0f} {base.p50_ms:>7.1f} {base.p99_ms:>7.1f} "
                f"{ratio(booked.rate, base.rate):>6}"
            )
        print("goal: ratio >= 0.5; p99 < 100 ms at 20 clients")


if __name__ == "__main__":
    main()
