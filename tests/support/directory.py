"""Builders for directory tests: the sample files, a changed RPPS extraction, and the
``relais directory import`` command run against the test's database."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

DATA = Path(__file__).resolve().parents[1] / "data"
RPPS_SAMPLE = DATA / "rpps_sample.txt"


def rpps_with_a_new_phone(folder: Path) -> Path:
    """The RPPS sample with Hélène Lefèvre's practice phone changed: 0555520101 → 0555529999."""
    changed = folder / "rpps_changed.txt"
    text = RPPS_SAMPLE.read_text(encoding="utf-8")
    changed.write_text(text.replace("0555520101", "0555529999"), encoding="utf-8")
    return changed


def run_cli(monkeypatch, make_config, *args: str) -> Result:
    """``relais <args>`` with the environment pointing at this test's directory database."""
    from relais.cli import main as relais

    config = make_config("directory")
    monkeypatch.setenv("MONGODB_URI", config.mongodb_uri)
    monkeypatch.setenv("MONGODB_DB_PREFIX", config.database.rsplit("_", 1)[0])
    return CliRunner().invoke(relais, list(args))
