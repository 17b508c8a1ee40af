"""Stream a directory file into the database: batches of upserts, a report, constant memory.

Each batch reads the stored content hashes of its ids once, inserts the new
correspondents, updates only those whose imported fields changed (local notes
and fields edited at the centre are not import fields, so they survive), and
counts the rest as unchanged.  Every insert or change carries its public event.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import BinaryIO

from pymongo import InsertOne, UpdateOne

from chassis import outbox
from services.directory import events
from services.directory.documents import Correspondent, ImportReport
from services.directory.importing.common import Rejected
from services.directory.importing.finess import FinessFormat
from services.directory.importing.lines import LineReader, looks_like_text
from services.directory.importing.rpps import RppsFormat
from services.directory.search_keys import keys_for

FORMATS = {"rpps": RppsFormat, "finess": FinessFormat}
KEEP_REJECTED = 1000


class NotADirectoryFile(ValueError):
    """The upload is not a text file of that kind (answered 4xx)."""


def _hash(doc: dict) -> str:
    return hashlib.sha1(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()  # noqa: S324 - change detection, not security


class Importer:
    def __init__(self, kind: str, departements=(), batch: int = 1000, source: str = ""):
        self.kind = kind
        self.departements = {d.upper() for d in departements}
        self.batch = batch
        self.report = ImportReport(
            id=f"imp-{uuid.uuid4().hex[:12]}",
            kind=kind,
            source=source,
            departements=sorted(self.departements),
            started_at=datetime.now(UTC),
            rejected=[],
        )
        self.collection = Correspondent._get_collection()
        self._docs: dict[str, tuple[int, dict]] = {}
        self._points: list[tuple[str, dict]] = []

    # -- reading -------------------------------------------------------------------
    def run(self, stream: BinaryIO, progress: Callable[[int], None] | None = None) -> ImportReport:
        reader = LineReader(stream)
        if not looks_like_text(reader.head[:4096]):
            raise NotADirectoryFile("this is not a text file")
        self.report.encoding = reader.encoding
        lines = iter(reader)
        first = next(lines, None)
        if first is None:
            raise NotADirectoryFile("the file is empty")
        try:
            fmt = FORMATS[self.kind](first[1])
        except ValueError as exc:
            raise NotADirectoryFile(str(exc)) from None
        pending = [first] if self.kind == "finess" else []
        last_bytes = 0
        for number, line in itertools.chain(pending, lines):  # streamed, never listed
            self.report.lines_read += 1
            self._take(fmt, number, line)
            if len(self._docs) >= self.batch or len(self._points) >= self.batch:
                self._flush()
                if progress:
                    progress(reader.bytes_read - last_bytes)
                    last_bytes = reader.bytes_read
        self._flush()
        if progress:
            progress(reader.bytes_read - last_bytes)
        self.report.lines_read += 1 if self.kind == "rpps" else 0  # the header line
        self.report.finished_at = datetime.now(UTC)
        self.report.save(force_insert=True)
        return self.report

    def _take(self, fmt, number: int, line: str) -> None:
        try:
            doc = fmt.parse(line)
            if doc is None:
                located = fmt.location(line)
                if located:
                    self._points.append(located)
                return
        except Rejected as exc:
            self._reject(number, str(exc))
            return
        if self.departements and (doc.get("departement") or "").upper() not in self.departements:
            self.report.outside_territory += 1
            return
        if doc["_id"] in self._docs:
            self._reject(number, f"same entry as line {self._docs[doc['_id']][0]}")
            return
        self._docs[doc["_id"]] = (number, doc)

    def _reject(self, number: int, reason: str) -> None:
        self.report.rejected_count += 1
        if len(self.report.rejected) < KEEP_REJECTED:
            self.report.rejected.append({"line": number, "reason": reason})

    # -- writing -------------------------------------------------------------------
    def _flush(self) -> None:
        if self._docs:
            self._write_docs([doc for _, doc in self._docs.values()])
            self._docs.clear()
        if self._points:
            self._write_points(self._points)
            self._points = []

    def _write_docs(self, docs: list[dict]) -> None:
        ids = [d["_id"] for d in docs]
        stored = {
            d["_id"]: d.get("import_hash")
            for d in self.collection.find({"_id": {"$in": ids}}, {"import_hash": 1})
        }
        now = datetime.now(UTC)
        operations = []
        for doc in docs:
            digest = _hash(doc)
            if stored.get(doc["_id"]) == digest:
                self.report.unchanged += 1
                continue
            fields = {k: v for k, v in doc.items() if v is not None}  # sparse indexes skip them
            fields |= {
                **keys_for(doc),
                "import_hash": digest,
                "source": self.kind,
                "updated_at": now,
            }
            event = events.updated(doc, trusted=True)
            if doc["_id"] in stored:
                fields.pop("_id")
                operations.append(
                    UpdateOne(
                        {"_id": doc["_id"]},
                        {"$set": fields, **outbox.push(event)},
                    )
                )
                self.report.updated += 1
            else:
                operations.append(
                    InsertOne(
                        {
                            **fields,
                            "created_at": now,
                            "local_notes": [],
                            "outbox": [event],
                            "outbox_due": event["next_at"],
                        }
                    )
                )
                self.report.inserted += 1
        if operations:
            self.collection.bulk_write(operations, ordered=False)

    def _write_points(self, points: list[tuple[str, dict]]) -> None:
        ids = [i for i, _ in points]
        stored = {d["_id"]: d for d in self.collection.find({"_id": {"$in": ids}})}
        operations = []
        for ident, point in points:
            doc = stored.get(ident)
            if doc is None or doc.get("location") == point:
                continue
            doc["location"] = point
            event = events.updated(doc, trusted=True)
            operations.append(
                UpdateOne(
                    {"_id": ident},
                    {"$set": {"location": point}, **outbox.push(event)},
                )
            )
            self.report.located += 1
        if operations:
            self.collection.bulk_write(operations, ordered=False)


def import_file(
    kind: str, stream: BinaryIO, *, departements=(), source: str = "", progress=None
) -> ImportReport:
    return Importer(kind, departements, source=source).run(stream, progress)
