"""The cost of the gateway hop: booking's POST /appointments through the gateway and direct.

Both run under gunicorn (2 workers x 8 threads); the gateway forwards over HTTP
with pooled keep-alive connections (local services mode) and applies its edge
checks and rate limits (Redis when REDIS_URL is set).  Each request books a
distinct slot.  Prints requests/s and p99 per concurrency, and the ratio.
Usage: python -m bench.gateway [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.booking import WARM_UP, make_slots, write_bodies
from bench.common import amqp_url, mongo_uri, ratio
from bench.http import gunicorn, require_wrk, wrk
from chassis.config import ServiceConfig
from chassis.db import open_database
from services.booking.documents import DOCUMENTS

LEVELS = (5, 20)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args(argv)
    require_wrk()
    tag = uuid.uuid4().hex[:6]
    key = (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with mongo_uri() as uri, tempfile.TemporaryDirectory() as tmp:
        env = {
            "MONGODB_URI": uri,
            "MONGODB_DB_PREFIX": f"bench{tag}",
            "AMQP_URL": amqp_url(),
            "LOG_LEVEL": "WARNING",
            "JWT_PRIVATE_KEY": key,
            "GATEWAY_PUBLIC_WRITE_LIMIT": "1000000 per minute",
            "GATEWAY_RATE_PREFIX": f"bench-{tag}",
        }
        if os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = os.environ["REDIS_URL"]
        open_database(ServiceConfig.from_env("booking", env), DOCUMENTS)
        slots = make_slots(12, 6)
        warm_up, slots = slots[:WARM_UP], slots[WARM_UP:]
        share = len(slots) // (2 * len(LEVELS))
        rows = []
        with gunicorn("services.booking.app:create_app()", env) as booking:
            gateway_env = {**env, "GATEWAY_BOOKING_URL": booking}
            with gunicorn("gateway.app:create_app_from_env()", gateway_env) as gateway:
                half = len(warm_up) // 2  # first connections and caches, both paths
                wrk(booking + "/appointments", write_bodies(Path(tmp), "wd", warm_up[:half]), 2, 2)
                hop_warm = write_bodies(Path(tmp), "wg", warm_up[half:])
                wrk(gateway + "/api/booking/appointments", hop_warm, 2, 2)
                for index, level in enumerate(LEVELS):
                    direct_bodies = write_bodies(
                        Path(tmp), f"d{level}", slots[2 * index * share : (2 * index + 1) * share]
                    )
                    hop_bodies = write_bodies(
                        Path(tmp),
                        f"g{level}",
                        slots[(2 * index + 1) * share : (2 * index + 2) * share],
                    )
                    direct = wrk(booking + "/appointments", direct_bodies, level, args.seconds)
                    hop = wrk(
                        gateway + "/api/booking/appointments", hop_bodies, level, args.seconds
                    )
                    rows.append((level, direct, hop))
        print("gateway benchmark: POST /appointments, direct and through the gateway")
        print(
            f"{'clients':>8} {'direct/s':>9} {'p99 ms':>7} {'gateway/s':>10} {'p99 ms':>7} "
            f"{'errors':>7} {'ratio':>6}"
        )
        for level, direct, hop in rows:
            print(
                f"{level:>8} {direct.rate:>9.0f} {direct.p99_ms:>7.1f} {hop.rate:>10.0f} "
                f"{hop.p99_ms:>7.1f} {direct.non2xx + hop.non2xx:>7} "
                f"{ratio(hop.rate, direct.rate):>6}"
            )
        print("goal: ratio >= 0.7")


if __name__ == "__main__":
    main()
