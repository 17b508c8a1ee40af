"""Embedded mode (`make run`): one process hosts the gateway and every service.

Events travel on kombu's in-process transport, data lives in an embedded
SecantusDB under ``var/`` (so it is still there at the next start), each
service's worker runs as threads.  ``AMQP_URL`` / ``MONGODB_URI`` given: those
are used instead.  ``OIDC_ISSUER`` / ``OIDC_JWKS_URL`` / ``OIDC_AUDIENCE`` given:
the gateway and the services trust that issuer's tokens only, and no demo staff
account is made (staff log in at the identity provider).  Ctrl-C (or SIGTERM)
stops everything cleanly.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Mapping
from pathlib import Path

import waitress

from chassis.auth import TokenIssuer
from chassis.config import ServiceConfig
from chassis.logs import setup_logging
from chassis.secantus import SecantusInProcess
from chassis.server_errors import install_for_waitress
from gateway import seed as gateway_seed
from gateway.app import create_app as create_gateway
from gateway.auth import keys
from gateway.settings import GatewaySettings, OidcMisconfigured
from gateway.upstreams import InProcessUpstream
from relais import services
from relais.mailcatcher import MailCatcher
from relais.migrations import migrate_identities

log = logging.getLogger("relais.embedded")


class Embedded:
    """Everything `make run` starts, so tests can start and stop it too."""

    def __init__(
        self,
        data_dir: str | Path = "var",
        db_port: int = 0,
        environ: Mapping | None = None,
        demo: bool = True,
    ):
        self.demo = demo
        self.data_dir = Path(data_dir)
        self.db_port = db_port
        self.env = dict(os.environ if environ is None else environ)
        self.db_server: SecantusInProcess | None = None
        self.workers: list = []
        self.apps: dict = {}
        self.accounts: list = []
        self.oidc_issuer: str | None = None
        self.oidc_pages = False  # staff log in on the pages at the identity provider
        self.mail: MailCatcher | None = None

    def _signing_key(self) -> TokenIssuer:
        """The built-in issuer; its key is kept under the data folder across restarts."""
        config = ServiceConfig.from_env("gateway", self.env)
        if pem := config.setting("JWT_PRIVATE_KEY", ""):
            key = keys.from_pem(pem)
        else:
            key = keys.load_or_create(self.data_dir / "jwt-ed25519.pem")
        issuer = TokenIssuer(config.jwt_issuer, config.jwt_audience, key)
        self.env.setdefault("JWT_PUBLIC_KEY", issuer.public_key_pem)
        return issuer

    def start(self):
        # checked first: half an OIDC configuration is refused before anything starts
        try:
            external = GatewaySettings.from_config(ServiceConfig.from_env("gateway", self.env))
        except OidcMisconfigured as exc:
            raise SystemExit(str(exc)) from None
        self.oidc_issuer = external.oidc_issuer
        self.oidc_pages = external.oidc_client is not None
        issuer = self._signing_key() if external.built_in_login else None
        if not self.env.get("MONGODB_URI"):
            self.db_server = SecantusInProcess(self.data_dir / "secantus", self.db_port).start()
            self.env["MONGODB_URI"] = self.db_server.uri
        self.env.setdefault("AMQP_URL", "memory://")
        self.env["RELAIS_EMBEDDED"] = "1"
        if not self.env.get("SMTP_URL"):  # what patients receive lands under var/mail
            self.mail = MailCatcher(self.data_dir / "mail").start()
            self.env["SMTP_URL"] = self.mail.url
        for name in services.SERVICES:
            config = ServiceConfig.from_env(name, self.env)
            self.apps[name] = services.create_app(name, config)
            worker = services.build_worker(name, config)
            worker.start()
            self.workers.append(worker)
        # data from before identities (a var/ folder of an older release): migrated once
        for service, counts in migrate_identities(self.env).items():
            if counts["migrated"]:
                log.info("identities migrated", extra={"service": service, **counts})
        if self.demo:
            for name in services.SEED_ORDER:
                if services.seed(name):
                    log.info("demo data loaded", extra={"seeded": name})
        upstreams = {n: InProcessUpstream(n, app) for n, app in self.apps.items()}
        settings = GatewaySettings.from_config(ServiceConfig.from_env("gateway", self.env))
        gateway = create_gateway(upstreams, settings, issuer)
        state = gateway.extensions["relais_gateway"]
        self.accounts = gateway_seed.seed(state) if self.demo and issuer is not None else []
        return gateway

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers.clear()
        if self.mail is not None:
            self.mail.stop()
            self.mail = None
        if self.db_server is not None:
            self.db_server.stop()
            self.db_server = None


def _raise_interrupt(_signum, _frame):
    raise KeyboardInterrupt


def run(host: str, port: int, data_dir: str, db_port: int = 0, demo: bool = True) -> None:
    setup_logging(os.environ.get("LOG_LEVEL", "INFO"), service="relais")
    install_for_waitress()  # its own refusals in the one JSON shape
    embedded = Embedded(data_dir, db_port, demo=demo)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    server = None
    try:
        app = embedded.start()
        server = waitress.create_server(app, host=host, port=port, threads=8, ident="relais")
        url = f"http://{host}:{server.effective_port}/"
        print(f"Relais is running at {url}  (Ctrl-C to stop)", flush=True)
        print(f"  data: {embedded.data_dir.resolve()}  database: {embedded.env['MONGODB_URI']}")
        print(f"  events: {embedded.env['AMQP_URL']}", flush=True)
        if embedded.mail is not None:
            print(f"  mail to patients (sign-in codes): {embedded.mail.folder.resolve()}")
        if embedded.oidc_issuer:
            pages = "on the pages" if embedded.oidc_pages else "(pages: set OIDC_CLIENT_ID)"
            print(f"  staff log in at {embedded.oidc_issuer} {pages}; the built-in login is off")
        if embedded.accounts:
            print("  demo staff accounts (password: relais-demo):")
            for login, role, name in embedded.accounts:
                print(f"    {login:<16} {role:<12} {name}")
        print(
            f"  pages: {url} (patients)  {url}mon-espace  {url}centre-appels  {url}coordination"
            f"  {url}medecin"
        )
        print(f"  API documentation: {url}docs", flush=True)
        server.run()
    except KeyboardInterrupt:
        print("Stopping Relais…", flush=True)
    finally:
        if server is not None:
            server.close()
        embedded.stop()
        print("Relais stopped.", flush=True)
