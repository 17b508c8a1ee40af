"""The local services mode (`make up` / `make down`): every service as its own processes.

One Procfile (deploy/Procfile) run by honcho: a gunicorn web process and a
worker per service, the gateway, and a SecantusDB server of its own unless
``MONGODB_URI`` is given; RabbitMQ from ``AMQP_URL`` (default 127.0.0.1:5672).
``up`` returns once the gateway's /readyz (which asks every service) answers 200.

``down`` must stop every process of the run, and honcho puts each Procfile
process in a session of its own, so signalling honcho's process group is not
enough (and if honcho was killed, nothing would pass the signal on).  Every
process of the run carries ``RELAIS_LOCAL_RUN=<data dir>`` in its environment,
inherited by whatever it starts; ``down`` finds them by it (Linux ``/proc``),
sends SIGTERM to each of their process groups (gunicorn's master takes its
workers down gracefully), and SIGKILL to whatever is left after the timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from chassis.secantus import uri_for
from gateway.auth import keys
from relais.services import SERVICES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672//"
MARKER = "RELAIS_LOCAL_RUN"
PROC = Path("/proc")


class LocalServices:
    def __init__(
        self,
        data_dir="var/local",
        host="127.0.0.1",
        port=8080,
        base_port=8101,
        db_port=27117,
        environ=None,
    ):
        self.data_dir = Path(data_dir).resolve()
        self.host, self.port, self.base_port, self.db_port = host, port, base_port, db_port
        self.base_env = dict(os.environ if environ is None else environ)
        self.pid_file = self.data_dir / "relais.pid"
        self.log_file = self.data_dir / "relais.log"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict:
        env = dict(self.base_env)
        env.setdefault("AMQP_URL", DEFAULT_AMQP)
        env.setdefault("MONGODB_URI", uri_for("127.0.0.1", self.db_port))
        env.update(
            {MARKER: str(self.data_dir)},
            RELAIS_HOST=self.host,
            RELAIS_PORT=str(self.port),
            RELAIS_DATA_DIR=str(self.data_dir),
            RELAIS_DB_PORT=str(self.db_port),
        )
        for index, name in enumerate(SERVICES):
            port = self.base_port + index
            env[f"RELAIS_{name.upper()}_PORT"] = str(port)
            env[f"GATEWAY_{name.upper()}_URL"] = f"http://127.0.0.1:{port}"
        private = self.data_dir / "jwt-ed25519.pem"
        key = keys.load_or_create(private)
        public = self.data_dir / "jwt-ed25519.pub.pem"
        from chassis.auth import TokenIssuer

        public.write_text(TokenIssuer("relais", "relais", key).public_key_pem)
        env.setdefault("JWT_PRIVATE_KEY_FILE", str(private))
        env.setdefault("JWT_PUBLIC_KEY_FILE", str(public))
        metrics = self.data_dir / "prometheus"
        metrics.mkdir(parents=True, exist_ok=True)
        for stale in metrics.glob("*.db"):
            stale.unlink()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
        bin_dir = str(Path(sys.executable).parent)
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
        return env

    def procfile(self, env: dict) -> Path:
        lines = (ROOT / "deploy" / "Procfile").read_text().splitlines()
        own_db = env["MONGODB_URI"] == uri_for("127.0.0.1", self.db_port)
        kept = [line for line in lines if own_db or not line.startswith("db:")]
        path = self.data_dir / "Procfile"
        path.write_text("\n".join(kept) + "\n")
        return path

    def running_pid(self) -> int | None:
        """honcho's pid, while it lives."""
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def processes(self) -> dict[int, int]:
        """pid -> process group of every live process of this run, honcho or not."""
        if not (PROC / "self" / "environ").exists():  # no /proc: honcho's group only
            pid = self.running_pid()
            return {pid: pid} if pid else {}
        marker = f"{MARKER}={self.data_dir}".encode()
        found = {}
        for entry in PROC.iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found[int(entry.name)] = os.getpgid(int(entry.name))
            except OSError:  # gone meanwhile, a zombie, or another user's
                continue
        return found

    def up(self, timeout: float = 120.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.processes():
            raise SystemExit(f"already running (from {self.data_dir}); `make down` first")
        env = self.env()
        procfile = self.procfile(env)
        honcho = str(Path(sys.executable).with_name("honcho"))
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our own command line
                [honcho, "start", "-f", str(procfile), "-d", str(ROOT)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        self.wait_ready(timeout, process)

    def wait_ready(self, timeout: float, process=None) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                self.down()  # what honcho started before it stopped
                raise SystemExit(f"the processes stopped; see {self.log_file}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=5) as response:  # noqa: S310
                    return json.loads(response.read())
            except urllib.error.HTTPError as exc:
                last = exc.read()[:300]
            except OSError as exc:
                last = str(exc)
            time.sleep(0.5)
        self.down()
        raise SystemExit(f"not ready after {timeout:.0f}s: {last}; see {self.log_file}")

    def down(self, timeout: float = 30.0) -> int:
        """Stop every process of this run; returns how many there were."""
        self.pid_file.unlink(missing_ok=True)
        found = self.processes()
        everyone, signalled = set(found), set()
        deadline = time.monotonic() + timeout
        while found and time.monotonic() < deadline:
            for pid, group in found.items():
                if group not in signalled:
                    signalled.add(group)
                    _signal(pid, group, signal.SIGTERM, whole_group=group in found)
            time.sleep(0.2)
            found = self.processes()
            everyone |= set(found)
        for pid, group in found.items():
            _signal(pid, group, signal.SIGKILL, whole_group=group in found)
        deadline = time.monotonic() + 10
        while self.processes() and time.monotonic() < deadline:
            time.sleep(0.1)
        return len(everyone)


def _signal(pid: int, group: int, signum: int, whole_group: bool) -> None:
    """The whole group when its leader is ours, else the process alone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if whole_group:
            os.killpg(group, signum)
        else:
            os.kill(pid, signum)
