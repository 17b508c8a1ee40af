"""Each service's own MongoDB database, reached through mongoengine.

A service's documents declare ``meta = {"db_alias": "<service>"}``; this
module registers that alias on the service's database, derived from
``MONGODB_URI``.  Clients connect lazily, so a process that forks (gunicorn)
opens its sockets after the fork.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import mongoengine
from mongoengine.connection import get_db
from pymongo.errors import CollectionInvalid, OperationFailure

from chassis import cache
from chassis.config import ServiceConfig


def service_uri(uri: str, database: str) -> str:
    """The URI with its path set to ``database`` (credentials keep their auth db)."""
    parts = urlsplit(uri)
    query = dict(parse_qsl(parts.query))
    original_db = parts.path.lstrip("/")
    if "@" in parts.netloc and "authSource" not in query:
        query["authSource"] = original_db or "admin"
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", urlencode(query), ""))


_registered: dict[str, str] = {}
_NAMESPACE_EXISTS = 48


def connect_database(config: ServiceConfig, alias: str | None = None):
    """Register the service's alias (again only if its target changed); returns the Database.

    The web app and the worker of one process (embedded mode) share the alias, so a
    second call with the same target keeps the open client rather than closing it.
    """
    alias = alias or config.service
    target = service_uri(config.mongodb_uri, config.database)
    if _registered.get(alias) == target:
        return get_db(alias)
    mongoengine.disconnect(alias)
    cache.clear_all()
    _registered[alias] = target
    mongoengine.connect(
        host=target,
        alias=alias,
        tz_aware=True,
        uuidRepresentation="standard",
        serverSelectionTimeoutMS=5000,
        connectTimeoutMS=5000,
        connect=False,
    )
    return get_db(alias)


def open_database(config: ServiceConfig, documents):
    """A process's start on the service's database: connected, collections and indexes ready."""
    database = connect_database(config)
    prepare_collections(documents)
    return database


def prepare_collections(documents) -> None:
    """Create each document's collection and missing indexes now, one after the other.

    Done at startup, before any concurrency, and instead of mongoengine's lazy
    index creation: SecantusDB 0.7 deadlocks when two connections implicitly
    create the same collection at once (an insert racing an index build), and
    it refuses to re-create an identical 2dsphere index that mongod would
    accept as a no-op.  So only indexes whose keys are missing are created.

    Processes that start together (gunicorn workers, pods) prepare the same
    database at once: on one host they take turns under a file lock, and
    across hosts a collection or index another process made first is fine.

    An index a document no longer wants (its ``RETIRED_INDEXES``: key lists) is
    dropped, so a rule that an index enforced ends with the code that dropped it.
    """
    documents = list(documents)
    if not documents:
        return
    database_ = documents[0]._get_db()
    with _host_lock(f"{database_.client.address}/{database_.name}"):
        for document in documents:
            document._meta["auto_create_index"] = False
            collection = document._get_collection()
            _prepare(collection, document._meta.get("index_specs", []))
            _retire(collection, getattr(document, "RETIRED_INDEXES", ()))


def _prepare(collection, specs: list[dict]) -> None:
    try:
        # pymongo lists the collections first (check_exists=True by default)
        collection.database.create_collection(collection.name)
    except CollectionInvalid:
        pass  # it exists already
    except OperationFailure as exc:
        if exc.code != _NAMESPACE_EXISTS:
            raise  # anything but another process creating it meanwhile
    existing = _existing_keys(collection)
    for spec in specs:
        options = dict(spec)
        fields = [tuple(part) for part in options.pop("fields")]
        if tuple(fields) in existing:
            continue
        try:
            collection.create_index(fields, **options)
        except OperationFailure:
            if tuple(fields) not in _existing_keys(collection):
                raise  # not a race with another process: a real refusal


def _retire(collection, retired) -> None:
    wanted = {tuple(tuple(part) for part in keys) for keys in retired}
    for name, info in collection.index_information().items():
        if tuple(tuple(part) for part in info["key"]) in wanted:
            with contextlib.suppress(OperationFailure):  # another process dropped it first
                collection.drop_index(name)


def _existing_keys(collection) -> set[tuple]:
    return {
        tuple(tuple(part) for part in info["key"])
        for info in collection.index_information().values()
    }


@contextlib.contextmanager
def _host_lock(target: str):
    """An exclusive lock between this host's processes, for one database."""
    digest = hashlib.sha256(target.encode()).hexdigest()[:16]
    path = os.path.join(tempfile.gettempdir(), f"relais-prepare-{digest}.lock")
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def database(alias: str):
    return get_db(alias)


def ping(alias: str) -> dict:
    db = get_db(alias)
    db.client.admin.command("ping")
    return {"database": db.name}
