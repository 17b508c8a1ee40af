"""The deployment files: valid, complete, and generated from the code they describe."""

import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from chassis.secantus import free_port
from chassis.testing.waiting import wait_until
from relais.definitions import definitions
from relais.manifests import core, operators
from relais.services import SERVICES
from tests.support.compose import compose_broker_definitions

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def documents(name: str) -> list[dict]:
    return list(yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()))


@pytest.mark.parametrize("name", sorted(core()))
def test_core_kubernetes_manifests_validate_against_the_schemas(name):
    for document in documents(name):
        kubernetes_validate.validate(document, "1.30", strict=True)


def test_each_service_scales_web_and_workers_with_budgets():
    for service in SERVICES:
        kinds = [(d["kind"], d["metadata"]["name"]) for d in documents(f"{service}.yaml")]
        for role in ("web", "worker"):
            name = f"{service}-{role}"
            assert {
                ("Deployment", name),
                ("HorizontalPodAutoscaler", name),
                ("PodDisruptionBudget", name),
            } <= set(kinds)
        assert ("Service", f"{service}-web") in kinds


def test_the_operators_resources_describe_a_broker_cluster_and_a_replica_set():
    rabbit = {d["kind"]: d for d in documents("rabbitmq.yaml")}
    assert rabbit["RabbitmqCluster"]["spec"]["replicas"] == 3
    assert rabbit["Vhost"]["spec"]["defaultQueueType"] == "quorum"
    (mongo,) = documents("mongodb.yaml")
    assert mongo["kind"] == "MongoDBCommunity" and mongo["spec"]["members"] == 3
    assert mongo["spec"]["type"] == "ReplicaSet"


def test_the_committed_generated_files_are_up_to_date():
    for name, docs in {**core(), **operators()}.items():
        assert documents(name) == docs, f"run `make asyncapi` ({name})"
    committed = json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text())
    assert committed == json.loads(json.dumps(definitions())), "run `make asyncapi`"


def test_the_broker_definitions_declare_what_the_code_declares():
    from chassis.bus.topology import service_queues
    from chassis.config import BusSettings
    from relais.definitions import subscriptions

    document = definitions()
    declared = {q["name"]: q["arguments"] for q in document["queues"]}
    for service in SERVICES:
        main, retries, dead = service_queues(BusSettings(), service, subscriptions(service))
        for queue in (main, *retries, dead):
            assert declared[queue.name] == queue.queue_arguments, queue.name
        bound = {b["routing_key"] for b in document["bindings"] if b["destination"] == main.name}
        assert bound == {b.routing_key for b in main.bindings}


def test_every_compose_service_has_a_health_check_and_its_dependencies_exist():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    for name, service in services.items():
        assert "healthcheck" in service, name
        for dependency in service.get("depends_on", {}):
            assert dependency in services, (name, dependency)
        for secret in service.get("secrets", []):
            assert secret in compose["secrets"], (name, secret)
    for service in SERVICES:
        assert services[f"{service}-web"]["command"] == ["web", service]
        assert services[f"{service}-worker"]["command"] == ["worker", service]
        assert f"{service}-web" in services["gateway"]["depends_on"]
    assert services["mongo"]["command"][:2] == ["--replSet", "rs0"]


def test_the_dockerfile_passes_hadolint():
    hadolint = Path(sys.executable).with_name("hadolint")
    done = subprocess.run(
        [str(hadolint), str(DEPLOY / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_procfile_runs_a_web_and_a_worker_per_service_and_the_gateway():
    names = [
        line.split(":", 1)[0]
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    for service in SERVICES:
        assert {f"{service}-web", f"{service}-worker"} <= set(names)
    assert "gateway" in names and "db" in names


def _dockerfile_copies() -> list[str]:
    """The sources the image's `COPY` lines put in /app (what `pip install .` sees)."""
    copied = []
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            copied += line.split()[1:-1]
    return copied


@pytest.mark.slow
def test_relais_web_runs_from_the_installed_package_outside_the_source_tree(
    tmp_path, mongo_uri, db_prefix
):
    # what the image does: copy what the Dockerfile copies, `pip install .` (not editable)
    app = tmp_path / "app"
    for source in _dockerfile_copies():
        target = app / source
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / source, target)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", str(app), "--no-deps", "-w", str(tmp_path)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("relais-*.whl")
    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    shutil.rmtree(app)  # nothing of the sources is left to find

    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(site),  # before the editable install of the working tree
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "MONGODB_URI": mongo_uri,
        "MONGODB_DB_PREFIX": db_prefix,
        "LOG_LEVEL": "WARNING",
    }
    where = subprocess.run(
        [sys.executable, "-c", "import relais; print(relais.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(site)), where
    web = subprocess.Popen(
        [sys.executable, "-m", "relais.cli", "web", "roster"],
        env=env,
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:

        def healthy():
            assert web.poll() is None, web.stdout.read().decode()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        assert wait_until(healthy, timeout=30)
    finally:
        if web.poll() is None:
            os.killpg(web.pid, signal.SIGTERM)
        web.wait(30)


def _password_matches(entry: dict, password: str) -> bool:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt[4] + sha256(salt + password))."""
    assert entry["hashing_algorithm"] == "rabbit_password_hashing_sha256"
    raw = base64.b64decode(entry["password_hash"])
    salt, digest = raw[:4], raw[4:]
    return hashlib.sha256(salt + password.encode()).digest() == digest


def test_the_compose_broker_knows_every_user_the_services_connect_as(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from relais.cli import main

    monkeypatch.setenv("RABBITMQ_PASSWORD", "a-test-password")
    secrets = tmp_path / "secrets"
    done = CliRunner().invoke(main, ["keygen", str(secrets)])
    assert done.exit_code == 0, done.output
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    broker = compose["services"]["rabbitmq"]
    # a blank broker that loads definitions at boot creates no default user
    # (rabbitmq/rabbitmq-server#7678): the users must come with the definitions
    assert not {"RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS"} & set(
        broker.get("environment", {})
    )
    _, files = compose_broker_definitions(secrets)
    definitions = [json.loads(files[target].read_text()) for target in sorted(files)]
    users = {u["name"]: u for d in definitions for u in d.get("users", [])}
    allowed = {(p["user"], p["vhost"]) for d in definitions for p in d.get("permissions", [])}
    assert any(d.get("exchanges") for d in definitions), "the topology is loaded too"
    secret = "${RABBITMQ_PASSWORD:?set RABBITMQ_PASSWORD}"
    logins = []
    for name, service in compose["services"].items():
        environment = {
            key: str(value).replace(secret, "a-test-password")
            for key, value in service.get("environment", {}).items()
        }
        if "AMQP_URL" in environment:
            url = urlsplit(environment["AMQP_URL"])
            logins.append((name, url.username, url.password))
        if "RABBITMQ_MANAGEMENT_URL" in environment:
            admin = (environment["RABBITMQ_ADMIN_USER"], environment["RABBITMQ_ADMIN_PASSWORD"])
            logins.append((name, *admin))
    assert len(logins) >= 2 * len(SERVICES) + 1 + 2
    for name, user, password in logins:
        assert user in users, (name, user)
        assert (user, "/") in allowed, (name, user)
        assert _password_matches(users[user], password), (name, user)
    assert "a-test-password" not in (DEPLOY / "compose.yaml").read_text()


def test_keygen_makes_a_broker_password_when_none_is_given(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from relais.cli import main

    monkeypatch.delenv("RABBITMQ_PASSWORD", raising=False)
    for _ in range(2):  # a second run keeps the first one's password
        assert CliRunner().invoke(main, ["keygen", str(tmp_path)]).exit_code == 0
    password = (tmp_path / "rabbitmq-password").read_text().strip()
    assert len(password) >= 24 and (tmp_path / "rabbitmq-password").stat().st_mode & 0o077 == 0
    (user,) = json.loads((tmp_path / "rabbitmq-users.json").read_text())["users"]
    assert _password_matches(user, password)


def test_the_kubernetes_broker_loads_no_definitions_that_would_skip_its_users():
    rabbit = {d["kind"]: d for d in documents("rabbitmq.yaml")}
    config = rabbit["RabbitmqCluster"]["spec"]["rabbitmq"]["additionalConfig"]
    assert "load_definitions" not in config and "definitions." not in config
    user = rabbit["User"]["spec"]
    assert user["importCredentialsSecret"]["name"]
    permission = rabbit["Permission"]["spec"]
    assert permission["vhost"] == "/" and permission["userReference"]["name"] == "relais"
