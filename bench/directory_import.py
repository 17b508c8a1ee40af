"""Directory import: lines/s and peak memory on generated RPPS files, against raw inserts.

Generates RPPS-format files (100,000 and 500,000 lines by default, every column of
the real extraction, lines as wide as the sample's), imports each
in a child process (so its peak RSS is its own) into a fresh database, and, in
the same run, measures the baseline: the same number of documents inserted with
plain ``insert_many`` batches (no parsing, no change detection, no events).
Flat memory means the peak RSS barely moves from the small file to the big one.
Usage: python -m bench.directory_import [--lines 100000 500000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pymongo

from bench.common import mongo_uri, ratio
from services.directory.importing.rpps import COLUMNS, ID

SPECIALTIES = ["Cardiologie", "Dermatologie", "Pédiatrie", "Médecine générale", "Psychiatrie"]
# a national file: about 2 % of lines in the territory (Creuse, Haute-Vienne)
PLACES = [("23000", "Guéret"), ("87000", "Limoges")] + [
    (f"{d:02d}000", f"Ville {d}") for d in range(1, 96) if d not in (20, 23, 87)
] * 1


SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "rpps_sample.txt"


def write_file(path: Path, lines: int) -> None:
    """Lines like the real extraction's: every one of its columns, the sample's widths."""
    with SAMPLE.open(encoding="utf-8") as sample:
        header = sample.readline().rstrip("\n").split("|")
        template = sample.readline().rstrip("\n").split("|")
    position = {name: i for i, name in enumerate(header)}
    rng = random.Random(lines)
    with path.open("w", encoding="utf-8") as out:
        out.write("|".join(header) + "\n")
        for i in range(lines):
            postcode, commune = PLACES[
                0 if i % 100 == 0 else 1 if i % 100 == 1 else 2 + i % (len(PLACES) - 2)
            ]
            cells = list(template)
            for name, value in (
                (ID, f"{30000000000 + i}"),
                ("Identification nationale PP", f"8{30000000000 + i}"),
                (COLUMNS["family_name"], f"Nom{i}"),
                (COLUMNS["given_name"], "Prénom"),
                (COLUMNS["specialty"], rng.choice(SPECIALTIES)),
                (COLUMNS["structure_id"], f"S{i}"),
                ("Raison sociale site", f"Cabinet Nom{i}"),
                (COLUMNS["postcode"], postcode),
                (COLUMNS["commune"], commune),
                (COLUMNS["phone"], f"05{i % 100_000_000:08d}"),
                ("Adresse e-mail (coord. structure)", f"nom{i}@exemple-sante.fr"),
                (COLUMNS["departement"], postcode[:2]),
            ):
                cells[position[name]] = value
            out.write("|".join(cells) + "\n")


CHILD = """
import json, os, resource, sys, time
from chassis.config import ServiceConfig
from chassis.db import connect_database, prepare_collections
from services.directory.documents import DOCUMENTS
from services.directory.importing.importer import import_file
config = ServiceConfig.from_env("directory")
connect_database(config); prepare_collections(DOCUMENTS)
started = time.perf_counter()
with open(sys.argv[1], "rb") as stream:
    report = import_file("rpps", stream, departements=sys.argv[2:])
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "lines": report.lines_read, "inserted": report.inserted,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def import_in_child(uri: str, path: Path, departements=()) -> dict:
    env = {**os.environ, "MONGODB_URI": uri, "MONGODB_DB_PREFIX": f"bench{uuid.uuid4().hex[:6]}"}
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), *departements],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def baseline(uri: str, lines: int) -> float:
    client = pymongo.MongoClient(uri)
    collection = client[f"bench{uuid.uuid4().hex[:6]}_raw"]["docs"]
    started = time.perf_counter()
    for start in range(0, lines, 1000):
        collection.insert_many(
            [
                {"_id": f"raw-{i}", "name": f"Nom{i}", "specialty": "x"}
                for i in range(start, min(lines, start + 1000))
            ],
            ordered=False,
        )
    seconds = time.perf_counter() - started
    client.drop_database(collection.database.name)
    return lines / seconds


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument(
        "--national-max",
        type=int,
        default=500_000,
        help="largest file also imported whole (every line written)",
    )
    args = parser.parse_args(argv)
    with mongo_uri() as uri, tempfile.TemporaryDirectory() as tmp:
        print("directory import benchmark (RPPS format, fresh database each time)")
        print(
            f"{'lines':>9} {'file MB':>8} {'scope':>10} {'written':>8} {'lines/s':>9} "
            f"{'peak RSS MB':>12} {'raw inserts/s':>14} {'ratio':>6}"
        )
        for lines in args.lines:
            path = Path(tmp) / f"rpps_{lines}.txt"
            write_file(path, lines)
            raw = baseline(uri, lines if lines <= 100_000 else 100_000)
            for scope, departements in (("23 + 87", ("23", "87")), ("national", ())):
                if scope == "national" and lines > args.national_max:
                    continue
                result = import_in_child(uri, path, departements)
                rate = result["lines"] / result["seconds"]
                print(
                    f"{lines:>9} {path.stat().st_size / 1e6:>8.1f} {scope:>10} "
                    f"{result['inserted']:>8} {rate:>9.0f} {result['rss_mb']:>12.0f} "
                    f"{raw:>14.0f} {ratio(rate, raw):>6}"
                )
        print(
            f"goal: >= 20,000 lines/s, peak RSS flat across sizes "
            f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
        )


if __name__ == "__main__":
    main()
