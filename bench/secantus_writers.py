"""The embedded MongoDB-wire server under concurrent writers: one client, then two at once.

Bulk upserts (batches of 200) from one client, then from two clients at the
same time into two databases; prints the total writes/s of each and the
ratio.  It explains the bus benchmark: the outbox relay and the consumer
write at the same time.  Usage: python -m bench.secantus_writers
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid

from pymongo import MongoClient, UpdateOne

from bench.common import mongo_uri, ratio


def _write(uri: str, database: str, count: int, size: int = 200) -> None:
    client = MongoClient(uri)
    collection = client[database]["writes"]
    collection.insert_one({"_id": "first"})  # the collection exists before timing
    for batch in range(count // size):
        collection.bulk_write(
            [
                UpdateOne({"_id": f"{batch}-{i}"}, {"$inc": {"n": 1}}, upsert=True)
                for i in range(size)
            ],
            ordered=False,
        )
    client.drop_database(database)
    client.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=4000)
    args = parser.parse_args(argv)
    n = args.writes
    with mongo_uri() as uri:
        started = time.perf_counter()
        _write(uri, f"solo{uuid.uuid4().hex[:6]}", n)
        solo = n / (time.perf_counter() - started)
        threads = [
            threading.Thread(target=_write, args=(uri, f"duo{uuid.uuid4().hex[:6]}", n))
            for _ in range(2)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duo = 2 * n / (time.perf_counter() - started)
    print("MongoDB-wire server under concurrent writers (bulk upserts of 200)")
    print(f"  one client:             {solo:7.0f} writes/s")
    print(f"  two clients at once:    {duo:7.0f} writes/s in all")
    print(f"  ratio two / one:        {ratio(duo, solo)}  (1 or more: no loss from concurrency)")


if __name__ == "__main__":
    main()
