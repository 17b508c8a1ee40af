"""Serve a WSGI app on a real socket for a test (waitress, many threads)."""

from __future__ import annotations

import contextlib
import threading

import waitress

from chassis.secantus import free_port, wait_for_port
from chassis.server_errors import install_for_waitress


@contextlib.contextmanager
def serving(app, threads: int = 32):
    install_for_waitress()  # as embedded mode serves: the server's refusals in JSON
    port = free_port()
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=threads)
    closing = threading.Event()

    def run():
        try:
            server.run()
        except OSError:  # its sockets closed under its loop by close(): the expected end
            if not closing.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    wait_for_port(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        closing.set()
        server.close()
        thread.join(5)
