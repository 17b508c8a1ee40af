"""The baseline of the HTTP benchmarks: a minimal Flask + pymongo endpoint, one insert."""

from __future__ import annotations

import os

import pymongo
from flask import Flask, request


def create_app():
    app = Flask("baseline")
    client = pymongo.MongoClient(os.environ["MONGODB_URI"], connect=False)
    collection = client[os.environ.get("BASELINE_DB", "bench_baseline")]["inserts"]

    @app.post("/insert")
    def insert():
        document = request.get_json()
        collection.insert_one(document)
        return {"id": str(document["_id"])}, 201

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
