"""Broker users and permissions: the management HTTP API when it answers, else rabbitmqctl.

Permissions are set on the vhost ``AMQP_URL`` names (:func:`vhost_of`), the one
the services and the partners connect to, on either path.  Passwords never
appear on a command line (rabbitmqctl reads them on stdin).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from urllib.parse import quote

import urllib3
from kombu.utils.url import url_to_parts


class BrokerAdminError(RuntimeError):
    pass


def vhost_of(amqp_url: str) -> str:
    """The vhost an AMQP URL names, read as kombu reads it: ``amqp://h//`` and ``amqp://h``
    are ``/``, ``amqp://h/relais`` is ``relais``, ``amqp://h/%2Frelais`` is ``/relais``."""
    return url_to_parts(amqp_url).path or "/"


class ManagementApi:
    name = "management HTTP API"

    def __init__(self, url: str, user: str, password: str, vhost: str = "/"):
        self.url = url.rstrip("/")
        self.vhost = quote(vhost, safe="")
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        self.http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=2, read=10), retries=False)

    def available(self) -> bool:
        try:
            return (
                self.http.request("GET", f"{self.url}/api/overview", headers=self.headers).status
                == 200
            )
        except urllib3.exceptions.HTTPError:
            return False

    def _call(self, method: str, path: str, body: dict | None = None) -> None:
        response = self.http.request(
            method,
            f"{self.url}/api{path}",
            headers=self.headers,
            body=json.dumps(body) if body is not None else None,
        )
        if response.status >= 300 and not (method == "DELETE" and response.status == 404):
            raise BrokerAdminError(f"{method} {path}: {response.status} {response.data[:200]!r}")

    def add_user(self, user: str, password: str) -> None:
        self._call("PUT", f"/users/{quote(user, safe='')}", {"password": password, "tags": ""})

    def change_password(self, user: str, password: str) -> None:
        self.add_user(user, password)

    def permissions_path(self, user: str) -> str:
        return f"/permissions/{self.vhost}/{quote(user, safe='')}"

    def set_permissions(self, user: str, configure: str, write: str, read: str) -> None:
        self._call(
            "PUT",
            self.permissions_path(user),
            {"configure": configure, "write": write, "read": read},
        )

    def delete_user(self, user: str) -> None:
        self._call("DELETE", f"/users/{quote(user, safe='')}")


class Rabbitmqctl:
    name = "rabbitmqctl"

    def __init__(self, vhost: str = "/"):
        self.vhost = vhost
        self.binary = shutil.which("rabbitmqctl")

    def available(self) -> bool:
        return self.binary is not None

    def _run(self, *args: str, stdin: str | None = None) -> None:
        done = subprocess.run(  # noqa: S603 - fixed binary, arguments we built
            [self.binary, "--quiet", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise BrokerAdminError(f"rabbitmqctl {args[0]}: {done.stderr.strip()[:300]}")

    def add_user(self, user: str, password: str) -> None:
        self._run("add_user", user, stdin=password + "\n")

    def change_password(self, user: str, password: str) -> None:
        self._run("change_password", user, stdin=password + "\n")

    def permissions_args(self, user: str, configure: str, write: str, read: str) -> list[str]:
        return ["set_permissions", "-p", self.vhost, user, configure, write, read]

    def set_permissions(self, user: str, configure: str, write: str, read: str) -> None:
        self._run(*self.permissions_args(user, configure, write, read))

    def delete_user(self, user: str) -> None:
        try:
            self._run("delete_user", user)
        except BrokerAdminError as exc:
            if "no_such_user" not in str(exc) and "does not exist" not in str(exc):
                raise


def broker_admin(settings: dict, vhost: str = "/"):
    """The management API if it answers (RABBITMQ_MANAGEMENT_URL), else rabbitmqctl;
    either one grants permissions on ``vhost``."""
    api = ManagementApi(
        settings.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672"),
        settings.get("RABBITMQ_ADMIN_USER", "guest"),
        settings.get("RABBITMQ_ADMIN_PASSWORD", "guest"),
        vhost=vhost,
    )
    if api.available():
        return api
    ctl = Rabbitmqctl(vhost=vhost)
    if ctl.available():
        return ctl
    raise BrokerAdminError(
        "neither the RabbitMQ management API nor rabbitmqctl is available to create partner users"
    )
