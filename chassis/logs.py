"""JSON log lines, one per record, carrying the request and correlation ids.

Log only ids and states: never names, phone numbers or medical content.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from chassis import context

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str | None = None):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self.service:
            line["service"] = self.service
        if rid := context.request_id.get():
            line["request_id"] = rid
        if cid := context.correlation_id.get():
            line["correlation_id"] = cid
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def setup_logging(level: str = "INFO", service: str | None = None, stream=None) -> None:
    """Route every logger through one JSON handler on stderr (idempotent)."""
    root = logging.getLogger()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    handler._relais = True  # type: ignore[attr-defined]
    root.handlers = [h for h in root.handlers if not getattr(h, "_relais", False)]
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("amqp", "kombu", "pymongo", "urllib3", "waitress.queue"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
