"""Start the embedded MongoDB-wire server (SecantusDB) when no mongod is given.

Only its documented entry points are used (the ``secantusd-py`` command and
``SecantusDBServer``); everything else talks to it over the MongoDB wire
protocol like to any mongod.  It is always reached with ``retryWrites=false``:
with retryable writes SecantusDB 0.7 slows from ~1,600 to ~200 writes/s after
10,000 writes.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1
URI_OPTIONS = "retryWrites=false&directConnection=true"


def die_with_parent() -> None:
    """In a child before exec (Linux): receive SIGTERM when the parent dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def uri_for(host: str, port: int, database: str = "relais") -> str:
    return f"mongodb://{host}:{port}/{database}?{URI_OPTIONS}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


class SecantusProcess:
    """``secantusd-py`` as a child process (its own GIL, its own core)."""

    def __init__(self, storage_path: str | Path, port: int | None = None, log_path=None):
        self.storage_path = Path(storage_path)
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return uri_for("127.0.0.1", self.port)

    def start(self) -> SecantusProcess:
        self.storage_path.mkdir(parents=True, exist_ok=True)
        executable = shutil.which("secantusd-py", path=os.path.dirname(sys.executable))
        command = [executable or "secantusd-py", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--storage-path", str(self.storage_path), "--log-level", "WARNING"]
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own, fixed command line
            command, stdout=out, stderr=subprocess.STDOUT, preexec_fn=die_with_parent
        )
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


class SecantusInProcess:
    """SecantusDB served from a thread of this process (embedded mode: one process)."""

    def __init__(self, storage_path: str | Path, port: int = 0):
        from secantus import SecantusDBServer  # imported late: heavy, and only for this mode

        Path(storage_path).mkdir(parents=True, exist_ok=True)
        self.server = SecantusDBServer(host="127.0.0.1", port=port, storage_path=str(storage_path))

    def start(self) -> SecantusInProcess:
        self.server.start()
        return self

    @property
    def uri(self) -> str:
        host, port = self.server.address[:2]
        return uri_for(host, port)

    def stop(self) -> None:
        self.server.stop()
