"""The compose broker's first boot, on a private RabbitMQ node: the services' user gets in.

There is no Docker engine here, so the broker of deploy/compose.yaml is played by
this machine's ``rabbitmq-server`` as a private node (its own name, ports and
data directory; the shared broker is never touched), booted with
deploy/rabbitmq/rabbitmq.conf and the definitions files the compose file mounts:
the generated topology and the users file ``relais keygen`` writes.  A blank
node that loads definitions creates no default user (rabbitmq/rabbitmq-server
#7678), so the user the services connect as must come with the definitions.
"""

import os
import shutil
import signal
import socket
import subprocess
import urllib.request
from base64 import b64encode
from pathlib import Path

import pika
import pytest
from click.testing import CliRunner

from chassis.secantus import free_port
from chassis.testing.waiting import wait_until
from relais.cli import main
from tests.support.compose import compose_broker_definitions

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PASSWORD = "a-private-node-password"


def rabbitmq_server() -> Path | None:
    found = shutil.which("rabbitmq-server") or shutil.which("rabbitmq-server", path="/usr/sbin")
    if not found:
        return None
    resolved = Path(found).resolve()
    if resolved.name == "rabbitmq-script-wrapper":  # Debian's: would `su rabbitmq`
        resolved = resolved.with_name("rabbitmq-server")
    return resolved


def epmd_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 4369), timeout=1).close()
        return True
    except OSError:
        return False


def compose_definitions(secrets: Path, into: Path) -> tuple[str, Path]:
    """Lay out the definitions as compose mounts them: (the path the conf loads, its copy)."""
    path, files = compose_broker_definitions(secrets)
    local_path = into
    for target, local in files.items():
        if target == path:  # one file
            local_path = into / Path(target).name
            shutil.copy(local, local_path)
        else:  # a directory of files
            shutil.copy(local, into / target[len(path.rstrip("/")) + 1 :])
    return path, local_path


@pytest.fixture
def private_node(tmp_path, monkeypatch):
    server = rabbitmq_server()
    if server is None:
        pytest.skip("rabbitmq-server is not installed")
    if not epmd_answers():  # a node would start an epmd daemon that outlives the test
        pytest.skip("no epmd on 127.0.0.1:4369 (no local RabbitMQ)")
    monkeypatch.setenv("RABBITMQ_PASSWORD", PASSWORD)
    secrets = tmp_path / "secrets"
    done = CliRunner().invoke(main, ["keygen", str(secrets)])
    assert done.exit_code == 0, done.output
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    loaded_path, local_path = compose_definitions(secrets, definitions)
    amqp, management = free_port(), free_port()
    conf = (DEPLOY / "rabbitmq" / "rabbitmq.conf").read_text().replace(loaded_path, str(local_path))
    conf = "\n".join(
        line for line in conf.splitlines() if not line.startswith("management.tcp.port")
    )
    conf += f"\nlisteners.tcp.default = {amqp}\nmanagement.tcp.port = {management}\n"
    (tmp_path / "rabbitmq.conf").write_text(conf)
    (tmp_path / "enabled_plugins").write_text("[rabbitmq_management].\n")
    (tmp_path / "home").mkdir()
    env = {
        **os.environ,
        "HOME": str(tmp_path / "home"),  # its own Erlang cookie
        "RABBITMQ_NODENAME": f"relais-test-{amqp}@localhost",
        "RABBITMQ_CONFIG_FILE": str(tmp_path / "rabbitmq.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(tmp_path / "enabled_plugins"),
        "RABBITMQ_MNESIA_BASE": str(tmp_path / "mnesia"),
        "RABBITMQ_LOG_BASE": str(tmp_path / "log"),
        "RABBITMQ_DIST_PORT": str(free_port()),
        "RABBITMQ_PID_FILE": str(tmp_path / "node.pid"),
    }
    log = (tmp_path / "server.out").open("wb")
    node = subprocess.Popen(
        [str(server)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:

        def listening():
            assert node.poll() is None, (tmp_path / "server.out").read_text()[-3000:]
            try:
                socket.create_connection(("127.0.0.1", amqp), timeout=1).close()
                return True
            except OSError:
                return False

        assert wait_until(listening, timeout=90)
        yield amqp, management
    finally:
        os.killpg(node.pid, signal.SIGKILL)  # a throwaway node: no graceful stop needed
        node.wait(30)
        log.close()


@pytest.mark.slow
def test_the_compose_broker_lets_the_services_user_in_with_the_topology_loaded(private_node):
    amqp, management = private_node
    url = f"amqp://relais:{PASSWORD}@127.0.0.1:{amqp}/%2F"
    with pika.BlockingConnection(pika.URLParameters(url)) as connection:
        channel = connection.channel()
        channel.exchange_declare("relais.events", exchange_type="topic", passive=True)
        assert channel.queue_declare("booking", passive=True).method.message_count == 0
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        pika.BlockingConnection(pika.URLParameters(f"amqp://guest:guest@127.0.0.1:{amqp}/%2F"))
    # the partners service manages its partners' users through the management API
    request = urllib.request.Request(
        f"http://127.0.0.1:{management}/api/whoami",
        headers={"Authorization": "Basic " + b64encode(f"relais:{PASSWORD}".encode()).decode()},
    )
    found = wait_until(lambda: _json_or_none(request), timeout=30)
    assert "administrator" in str(found["tags"])


def _json_or_none(request):
    import json

    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return json.loads(response.read())
    except OSError:
        return None
