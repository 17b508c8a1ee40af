import io
import json
import logging

from chassis import context
from chassis.logs import setup_logging


def test_log_lines_are_json_with_request_and_correlation_ids():
    stream = io.StringIO()
    setup_logging("INFO", service="booking", stream=stream)
    try:
        with context.bound(request="req-1", correlation="corr-9"):
            logging.getLogger("t").info("slot booked", extra={"slot": "s-1"})
        line = json.loads(stream.getvalue().splitlines()[-1])
    finally:
        setup_logging("WARNING")
    assert line["message"] == "slot booked"
    assert line["service"] == "booking"
    assert line["request_id"] == "req-1"
    assert line["correlation_id"] == "corr-9"
    assert line["slot"] == "s-1"
