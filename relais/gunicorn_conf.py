"""gunicorn settings for every Relais web process (services and gateway).

Part of the installed package, so the image (``pip install .``, not editable)
and the Procfile load it the same way: ``gunicorn -c python:relais.gunicorn_conf``.

Workers from the CPU count (``WEB_CONCURRENCY`` overrides), threads for I/O,
a graceful timeout, JSON access logs.  Nothing opens an AMQP connection before
the fork: each worker opens its own, lazily, when it first needs one.
"""

import multiprocessing
import os

from chassis.server_errors import install_for_gunicorn

install_for_gunicorn()  # its own refusals (a header too large, ...) in the one JSON shape

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", "8"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = (
    '{"time": "%(t)s", "level": "info", "logger": "gunicorn.access", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s, '
    '"request_id": "%({x-request-id}o)s"}'
)


def child_exit(server, worker):
    """Prometheus multiprocess mode: forget a dead worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
