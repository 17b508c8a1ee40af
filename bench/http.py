"""Helpers for HTTP benchmarks: gunicorn processes and wrk runs."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from chassis.secantus import free_port

LUA = Path(__file__).with_name("wrk") / "post_bodies.lua"
RESULT = re.compile(
    r"RESULT requests=(\d+) duration_us=(\d+) non2xx=(\d+) p50_us=(\d+) p99_us=(\d+)"
)


@dataclass
class WrkResult:
    requests: int
    seconds: float
    non2xx: int
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        """Successful requests a second: refusals (e.g. a slot already taken) never count."""
        return (self.requests - self.non2xx) / self.seconds


def _log_file(app: str):
    """gunicorn's stderr: a file under $BENCH_LOGS when set, else nowhere."""
    folder = os.environ.get("BENCH_LOGS")
    if not folder:
        return subprocess.DEVNULL
    name = re.sub(r"[^a-z]+", "-", app.split(":")[0])
    return open(Path(folder) / f"{name}.log", "ab")


@contextlib.contextmanager
def gunicorn(app: str, env: dict, workers: int = 2, threads: int = 8):
    """``app`` like ``services.booking.app:create_app()``; yields the base URL."""
    port = free_port()
    gunicorn_bin = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [
            gunicorn_bin,
            "-k",
            "gthread",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        env={**os.environ, **env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=_log_file(app),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def require_wrk() -> None:
    """Stop at once, before any set-up, when wrk is missing (``make bench`` installs it)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk (make bench installs it)")


def wrk(
    url: str, bodies: Path, connections: int, seconds: int = 10, repeat: bool = False
) -> WrkResult:
    """``repeat``: bodies may be sent again (a baseline insert); else each is sent once."""
    threads = min(connections, 2)
    output = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            url,
            "--",
            str(bodies),
            str(threads),
            "repeat" if repeat else "once",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = RESULT.search(output)
    for line in output.splitlines():
        if line.startswith("NON2XX"):
            print("   ", line[:200])
    if not match:
        raise RuntimeError(f"wrk said: {output}")
    requests, duration, non2xx, p50, p99 = (int(g) for g in match.groups())
    return WrkResult(requests, duration / 1e6, non2xx, p50 / 1000, p99 / 1000)
