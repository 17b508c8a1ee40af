"""What the compose file's broker loads at boot, read from deploy/."""

from __future__ import annotations

from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def compose_broker_definitions(secrets: Path) -> tuple[str, dict[str, Path]]:
    """(the path rabbitmq.conf loads definitions from, {mount target: local file}).

    The files are those the compose file mounts at that path (one file) or under it
    (a directory of files), with ``./secrets/`` read from ``secrets`` instead.
    """
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    conf = (DEPLOY / "rabbitmq" / "rabbitmq.conf").read_text()
    (path,) = (
        line.split("=", 1)[1].strip()
        for line in conf.splitlines()
        if line.split("=", 1)[0].strip() in ("load_definitions", "definitions.local.path")
    )
    files = {}
    for volume in compose["services"]["rabbitmq"]["volumes"]:
        source, target = volume.split(":")[:2]
        if target == path or target.startswith(path.rstrip("/") + "/"):
            files[target] = DEPLOY / source.replace("./secrets/", f"{secrets}/", 1)
    return path, files
