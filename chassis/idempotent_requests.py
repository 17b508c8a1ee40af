"""``Idempotency-Key`` on POSTs that create: a retry gets the first answer.

The first request with a key inserts a record (unique id = scope + key) and runs;
its status and body are stored with it.  A retry with the same key and the same
request gets that stored answer (same status, same body) — also while the first
is still running: it waits for it.  A malformed key, and the same key with
another request, are 422s with a field error on the header
(``errors: {"headers": {"Idempotency-Key": [...]}}``), like any bad input; the
view does not run.  A 5xx is not stored, so a retry runs again.  Records expire
after 24 hours.

``before(**view_kwargs)`` runs ahead of all that, also for a replay: a check
that the caller may open the object (a key alone must open nothing).

The stored body may hold a secret returned once (a manage token): it lives only
as long as the record, 24 hours, for the client that lost the first answer.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, current_app, request
from flask_smorest import abort
from pymongo.errors import DuplicateKeyError

from chassis.auth import principal

KEY = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
TTL_SECONDS = 24 * 3600
WAIT_SECONDS = 15.0


def _fingerprint() -> str:
    who = principal()
    body = request.get_json(silent=True)
    canonical = json.dumps(
        {
            "method": request.method,
            "path": request.path,
            "who": who.subject if who else None,
            "body": body if body is not None else request.get_data(as_text=True),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, database, collection: str = "idempotency_keys"):
        self.collection = database[collection]
        self.collection.create_index("created_at", expireAfterSeconds=TTL_SECONDS)

    def claim(self, key: str, fingerprint: str) -> dict | None:
        """None if this request runs now; else the existing record."""
        try:
            self.collection.insert_one(
                {
                    "_id": key,
                    "fingerprint": fingerprint,
                    "state": "running",
                    "created_at": datetime.now(UTC),
                }
            )
            return None
        except DuplicateKeyError:
            return self.collection.find_one({"_id": key}) or {"state": "vanished"}

    def finish(self, key: str, status: int, body: bytes, content_type: str) -> None:
        self.collection.update_one(
            {"_id": key},
            {
                "$set": {
                    "state": "done",
                    "status": status,
                    "body": body.decode(),
                    "content_type": content_type,
                }
            },
        )

    def forget(self, key: str) -> None:
        self.collection.delete_one({"_id": key})

    def wait(self, key: str) -> dict | None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            record = self.collection.find_one({"_id": key})
            if record is None or record.get("state") == "done":
                return record
            time.sleep(0.02)
        return None


def _replay(record: dict) -> Response:
    response = Response(
        record["body"], status=record["status"], content_type=record["content_type"]
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _refuse(code: str, message: str) -> None:
    abort(422, message=message, code=code, errors={"headers": {"Idempotency-Key": [message]}})


def idempotent(scope: str, before: Callable[..., object] | None = None):
    """Decorate a view that creates something (reads the ``Idempotency-Key`` header)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if before is not None:
                before(**kwargs)
            key = request.headers.get("Idempotency-Key")
            if key is None:
                return view(*args, **kwargs)
            if not KEY.match(key):
                _refuse("idempotency_key_invalid", "8 to 128 letters, digits or ._:-")
            store: IdempotencyStore = current_app.extensions["relais_idempotency"]
            record_id = f"{scope}:{key}"
            fingerprint = _fingerprint()
            record = store.claim(record_id, fingerprint)
            if record is not None:
                if record.get("fingerprint") != fingerprint:
                    _refuse(
                        "idempotency_key_reused",
                        "this Idempotency-Key was used for another request",
                    )
                if record.get("state") != "done":
                    record = store.wait(record_id)
                    if record is None:
                        abort(
                            409,
                            message="the first request with this key has not finished",
                            code="idempotency_key_in_progress",
                        )
                return _replay(record)
            try:
                response = current_app.make_response(view(*args, **kwargs))
            except Exception as exc:
                status = getattr(exc, "code", None) or getattr(exc, "status", None) or 500
                if isinstance(status, int) and status < 500:
                    response = current_app.handle_user_exception(exc)
                    response = current_app.make_response(response)
                else:
                    store.forget(record_id)
                    raise
            if response.status_code >= 500:
                store.forget(record_id)
                return response
            store.finish(
                record_id, response.status_code, response.get_data(), response.content_type
            )
            return response

        return wrapper

    return decorate
