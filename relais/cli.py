"""The `relais` command: run the platform, inspect and replay dead letters, write AsyncAPI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import click

from chassis.config import ServiceConfig
from relais.services import SERVICES

GUNICORN_CONFIG = "python:relais.gunicorn_conf"


@click.group()
def main():
    """Relais: rural health centres run by rotating volunteer doctors."""


@main.command()
@click.option(
    "--host", default=lambda: os.environ.get("RELAIS_HOST", "127.0.0.1"), show_default=True
)
@click.option("--port", default=lambda: int(os.environ.get("RELAIS_PORT", 8080)), type=int)
@click.option("--data-dir", default=lambda: os.environ.get("RELAIS_DATA_DIR", "var"))
@click.option("--db-port", default=0, type=int, help="Port of the embedded database (0: any).")
@click.option("--no-demo", is_flag=True, help="Do not load the demo data into an empty database.")
def run(host, port, data_dir, db_port, no_demo):
    """Embedded mode: the gateway and every service in this one process."""
    from relais.embedded import run as run_embedded

    run_embedded(host, port, data_dir, db_port, demo=not no_demo)


def _local(data_dir, **ports):
    """LocalServices with the ports given (its own defaults for the others)."""
    from relais.local import LocalServices

    return LocalServices(data_dir=data_dir, **ports)


@main.command()
@click.option("--data-dir", default="var/local", show_default=True)
@click.option("--port", default=lambda: int(os.environ.get("RELAIS_PORT", 8080)), type=int)
@click.option("--base-port", default=8101, show_default=True, help="First service port.")
@click.option(
    "--db-port", default=27117, show_default=True, help="SecantusDB's (when MONGODB_URI is unset)."
)
@click.option("--no-demo", is_flag=True, help="Do not load the demo data into empty databases.")
def up(data_dir, port, base_port, db_port, no_demo):
    """Local services mode: each service as gunicorn web + worker processes, and the gateway."""
    local = _local(data_dir, port=port, base_port=base_port, db_port=db_port)
    local.up()
    if not no_demo:
        click.echo("loading the demo data (if the databases are empty)…")
        subprocess.run([sys.executable, "-m", "relais.cli", "seed"], env=local.env(), check=True)
    click.echo(f"Relais (local services) is running at {local.url}/  — `make down` stops it")
    click.echo(f"  logs: {local.log_file}")


@main.command()
@click.option("--data-dir", default="var/local", show_default=True)
def down(data_dir):
    """Stop the local services mode: every process it started, even if honcho is gone."""
    stopped = _local(data_dir).down()
    click.echo(f"stopped {stopped} process(es)" if stopped else "nothing was running")


@main.command()
def seed():
    """Load the demo data into empty databases, through the running services' workers."""
    from chassis.db import open_database
    from relais.services import SEED_ORDER, documents_of
    from relais.services import seed as seed_service

    for name in SEED_ORDER:
        open_database(ServiceConfig.from_env(name), documents_of(name))
        if seed_service(name):
            click.echo(f"  {name}: demo data loaded")
    from gateway.app import gateway_state_from_env
    from gateway.seed import seed as seed_accounts

    gateway = gateway_state_from_env()
    if gateway.issuer is None:
        click.echo(f"  staff accounts live at the identity provider {gateway.settings.oidc_issuer}")
        return
    for login, role, name in seed_accounts(gateway):
        click.echo(f"  account {login:<16} {role:<12} {name}")


@main.group()
def identities():
    """Patient identities (identity vigilance)."""


@identities.command("migrate")
def identities_migrate():
    """Turn patients of before identities into identities: provisional, or validated where a
    check-in was recorded; every appointment and record stays attached.  Run it again:
    it changes nothing more."""
    from relais.migrations import migrate_identities

    for service, counts in migrate_identities().items():
        click.echo(f"{service}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@main.command()
@click.argument("service", type=click.Choice([*SERVICES, "gateway"]))
def web(service):
    """A service's (or the gateway's) web process under gunicorn (containers)."""
    app = (
        "gateway.app:create_app_from_env()"
        if service == "gateway"
        else f"services.{service}.app:create_app()"
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    # the settings are a module of the installed package, wherever it is installed
    os.execv(gunicorn, [gunicorn, "-c", GUNICORN_CONFIG, app])  # noqa: S606 - our own command


@main.command()
@click.argument("service", type=click.Choice(SERVICES))
def worker(service):
    """A service's worker: its event consumer and its outbox relay."""
    from chassis.logs import setup_logging
    from relais.services import build_worker

    config = ServiceConfig.from_env(service)
    setup_logging(config.log_level, service=service)
    build_worker(service, config).run_forever()


@main.group()
def deadletters():
    """What a service could not handle."""


@deadletters.command("list")
@click.argument("service", type=click.Choice(SERVICES))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def deadletters_list(service, as_json):
    """Show the dead letters of SERVICE (they stay in the queue)."""
    from chassis.bus.deadletters import list_dead_letters

    letters = list_dead_letters(ServiceConfig.from_env(service).bus, service)
    for letter in letters:
        if as_json:
            click.echo(json.dumps(asdict(letter)))
        else:
            click.echo(
                f"{letter.message_id}  {letter.type or '?'}  attempts={letter.attempts}  "
                f"failed_at={letter.failed_at}  {letter.error}"
            )
    if not as_json:
        click.echo(f"{len(letters)} dead letter(s) for {service}")


@deadletters.command("replay")
@click.argument("service", type=click.Choice(SERVICES))
@click.option("--id", "ids", multiple=True, help="Only this event id (repeatable).")
def deadletters_replay(service, ids):
    """Put SERVICE's dead letters back on its queue (all, or --id ones)."""
    from chassis.bus.deadletters import replay

    count = replay(ServiceConfig.from_env(service).bus, service, set(ids) if ids else None)
    click.echo(f"replayed {count} dead letter(s) to {service}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--max-age", default=60, show_default=True, help="Seconds.")
def alive(path, max_age):
    """Exit 0 if the worker heartbeat file is fresh (container health checks)."""
    import time

    try:
        age = time.time() - Path(path).stat().st_mtime
    except OSError:
        raise SystemExit(1) from None
    raise SystemExit(0 if age <= max_age else 1)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False))
def keygen(folder):
    """Write the deployment's secrets into FOLDER (kept where they are on a re-run).

    The gateway's Ed25519 key pair (private.pem, public.pem), and the broker's
    users file (rabbitmq-users.json) for the password in RABBITMQ_PASSWORD, or
    for one made here and kept in FOLDER/rabbitmq-password.
    """
    import secrets

    from chassis.auth import TokenIssuer
    from gateway.auth import keys
    from relais.definitions import users

    folder = Path(folder)
    key = keys.load_or_create(folder / "private.pem")
    (folder / "public.pem").write_text(TokenIssuer("relais", "relais", key).public_key_pem)
    click.echo(f"wrote {folder}/private.pem and {folder}/public.pem")
    password = os.environ.get("RABBITMQ_PASSWORD", "")
    kept = folder / "rabbitmq-password"
    if not password and kept.exists():
        password = kept.read_text().strip()
    elif not password:
        password = secrets.token_urlsafe(24)
        kept.touch(mode=0o600)
        kept.write_text(password + "\n")
        click.echo(f"made a broker password: export RABBITMQ_PASSWORD=$(cat {kept})")
    target = folder / "rabbitmq-users.json"  # a salted hash only: the broker's uid reads it
    target.write_text(json.dumps(users(password), indent=2) + "\n")
    click.echo(f"wrote {target} (the broker's user, its password hashed)")


@main.command("k8s-manifests")
@click.option("--output", default="deploy/k8s", show_default=True)
def k8s_manifests(output):
    """Write the Kubernetes manifests (core objects, and the operators' resources)."""
    import yaml

    from relais.manifests import core, operators

    Path(output).mkdir(parents=True, exist_ok=True)
    for name, documents in {**core(), **operators()}.items():
        text = yaml.safe_dump_all(documents, sort_keys=False, width=100)
        Path(output, name).write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}/")


@main.command("rabbitmq-definitions")
@click.option("--output", default="deploy/rabbitmq/definitions.json", show_default=True)
def rabbitmq_definitions(output):
    """Write the broker's definitions (exchanges, queues, bindings) from the code's topology."""
    from relais.definitions import definitions

    Path(output).write_text(json.dumps(definitions(), indent=2) + "\n", encoding="utf-8")
    click.echo(f"wrote {output}")


@main.command()
@click.option("--output", default="contracts/asyncapi.yaml", show_default=True)
@click.option("--internal-output", default="contracts/asyncapi-internal.yaml", show_default=True)
def asyncapi(output, internal_output):
    """Write the AsyncAPI documents: what a partner receives, and all events (internal)."""
    from contracts.asyncapi import render_internal, render_partner
    from contracts.catalog import catalog
    from services.partners.published import partner_view

    Path(output).write_text(render_partner(catalog(), partner_view()), encoding="utf-8")
    Path(internal_output).write_text(render_internal(catalog()), encoding="utf-8")
    click.echo(f"wrote {output} (for partners) and {internal_output} (all events)")


@main.group()
def directory():
    """The book of correspondents."""


@directory.command("import")
@click.argument("kind", type=click.Choice(["rpps", "finess"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--departement",
    "departements",
    multiple=True,
    help="Keep only this département (repeatable), e.g. 23 --departement 87.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Also write the report here (JSON).",
)
def directory_import(kind, path, departements, report_path):
    """Import an RPPS (|) or FINESS (;) extraction file: streamed, idempotent, reported."""
    from chassis.db import open_database
    from services.directory.documents import DOCUMENTS
    from services.directory.importing.importer import NotADirectoryFile, import_file
    from services.directory.schemas import ReportOut

    open_database(ServiceConfig.from_env("directory"), DOCUMENTS)
    size = Path(path).stat().st_size
    try:
        with (
            open(path, "rb") as stream,
            click.progressbar(
                length=size, label=f"importing {Path(path).name}", file=sys.stderr
            ) as bar,
        ):
            report = import_file(
                kind, stream, departements=departements, source=Path(path).name, progress=bar.update
            )
    except NotADirectoryFile as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    body = ReportOut().dump(report)
    click.echo(
        f"{body['lines_read']} lines read: {body['inserted']} inserted, {body['updated']} "
        f"updated, {body['unchanged']} unchanged, {body['located']} located, "
        f"{body['outside_territory']} outside the territory, {body['rejected_count']} rejected"
    )
    for rejected in body["rejected"][:20]:
        click.echo(f"  line {rejected['line']}: {rejected['reason']}")
    if report_path:
        Path(report_path).write_text(json.dumps(body, indent=2, ensure_ascii=False))


@main.group()
def partners():
    """Partner (CPTS) subscriptions to public events."""


def _partner_settings():
    from chassis.db import open_database
    from services.partners.documents import DOCUMENTS
    from services.partners.handlers import PartnerSettings

    config = ServiceConfig.from_env("partners")
    open_database(config, DOCUMENTS)
    return PartnerSettings(config.bus, dict(config.extra))


def _show_connection(details: dict) -> None:
    for key in ("name", "username", "password", "host", "port", "vhost", "queue"):
        click.echo(f"{key:>9}: {details[key]}")
    click.echo(f"{'bindings':>9}: {', '.join(details['bindings'])}")
    click.echo("The password is shown once: keep it now.")


@partners.command("add")
@click.argument("name")
@click.option(
    "--bind",
    "bindings",
    multiple=True,
    required=True,
    help="A public routing-key pattern, e.g. 'booking.appointment.*.v1' (repeatable).",
)
def partners_add(name, bindings):
    """Create partner NAME: its broker user, its queue bound to public events only."""
    from chassis.problems import Problem
    from services.partners import handlers
    from services.partners.api import connection_details

    settings = _partner_settings()
    try:
        partner, password = handlers.add(settings, name, list(bindings))
    except Problem as exc:
        raise click.ClickException(exc.message) from None
    _show_connection(connection_details(settings, partner, password))


@partners.command("list")
def partners_list():
    """Partners, their bindings and queue depth."""
    from services.partners import handlers
    from services.partners.documents import Partner

    settings = _partner_settings()
    for partner in Partner.objects.order_by("id"):
        depth = handlers.queue_depth(settings, partner)
        click.echo(
            f"{partner.id}  queue={partner.queue}  waiting={depth}  "
            f"bindings={','.join(partner.bindings)}"
        )


@partners.command("remove")
@click.argument("name")
def partners_remove(name):
    """Delete partner NAME: its broker user and its queue."""
    from chassis.problems import Problem
    from services.partners import handlers

    try:
        handlers.remove(_partner_settings(), name)
    except Problem as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"removed partner {name}")


@partners.command("rotate-password")
@click.argument("name")
def partners_rotate(name):
    """Give partner NAME a new broker password (shown once)."""
    from chassis.problems import Problem
    from services.partners import handlers
    from services.partners.api import connection_details

    settings = _partner_settings()
    try:
        password = handlers.rotate_password(settings, name)
    except Problem as exc:
        raise click.ClickException(exc.message) from None
    _show_connection(connection_details(settings, handlers.get(name), password))


if __name__ == "__main__":
    main()
