"""Processes starting together (gunicorn workers, a web and its worker, pods) all prepare
the same fresh database: every one of them must start, and the indexes must be there."""

import multiprocessing

from chassis.config import BusSettings, ServiceConfig


def _prepare(uri: str, database: str, results) -> None:
    try:
        from chassis.db import connect_database, prepare_collections
        from services.directory.documents import DOCUMENTS

        config = ServiceConfig(
            service="directory",
            mongodb_uri=uri,
            database=database,
            bus=BusSettings(url="memory://", exchange="unused"),
        )
        connect_database(config)
        prepare_collections(DOCUMENTS)
        results.put("started")
    except Exception as exc:  # reported to the test, which shows it
        results.put(repr(exc))


def test_processes_preparing_one_fresh_database_together_all_start(mongo_uri, db_prefix):
    context = multiprocessing.get_context("spawn")
    for round_ in range(4):
        database = f"{db_prefix}_directory{round_}"
        results = context.Queue()
        processes = [
            context.Process(target=_prepare, args=(mongo_uri, database, results)) for _ in range(4)
        ]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(30)
        assert outcomes == ["started"] * 4

    import pymongo

    client = pymongo.MongoClient(mongo_uri)
    try:
        indexes = client[f"{db_prefix}_directory0"]["correspondents"].index_information()
    finally:
        client.close()
    assert any(dict(info["key"]).get("location") == "2dsphere" for info in indexes.values()), (
        indexes
    )
