"""Imports announce changed correspondents on the real RabbitMQ, never local notes, once."""

import json
from pathlib import Path

from chassis.testing.waiting import wait_until
from contracts.catalog import catalog
from contracts.envelope import parse
from services.directory.documents import Correspondent
from tests.support.directory import RPPS_SAMPLE, rpps_with_a_new_phone, run_cli

UPDATED = "directory.correspondent.updated.v1"
NOTE = "Secrétariat fermé le mercredi, passer par la MSSanté"


def _upload(client, operator, path: Path):
    with path.open("rb") as stream:
        response = client.post(
            "/imports/rpps?departement=23&departement=87",
            headers=operator,
            data={"file": (stream, path.name)},
            content_type="multipart/form-data",
        )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _all_relayed() -> bool:
    """Every pending event was published and removed from its document."""
    return wait_until(lambda: Correspondent.objects(outbox__0__exists=True).count() == 0)


def _valid(envelope: dict) -> None:
    event = parse(json.dumps(envelope), catalog())  # envelope and data against the contract
    assert event.type == UPDATED
    assert catalog().get(UPDATED).schema().validate(envelope["data"]) == {}
    assert event.subject == envelope["data"]["correspondent_id"]


def test_an_import_announces_each_new_correspondent_on_the_broker(directory, bearer, tap):
    events = tap(UPDATED)
    report = _upload(directory.test_client(), bearer("operator"), RPPS_SAMPLE)
    assert report["inserted"] == 6

    received = events.drain(expect=6, settle=1.5)

    assert len(received) == 6
    for envelope in received:
        _valid(envelope)
    ids = {e["data"]["correspondent_id"] for e in received}
    assert ids == {c.id for c in Correspondent.objects}
    helene = next(e["data"] for e in received if e["data"]["rpps"] == "10100000011")
    assert (helene["name"], helene["specialty"], helene["practice_phone"]) == (
        "Hélène Lefèvre",
        "Cardiologie",
        "+33555520101",
    )
    assert _all_relayed()


def test_a_changed_card_is_announced_without_the_local_notes(directory, bearer, tap, tmp_path):
    client, operator = directory.test_client(), bearer("operator")
    _upload(client, operator, RPPS_SAMPLE)
    assert _all_relayed()
    events = tap(UPDATED)
    helene = Correspondent.objects.get(rpps="10100000011")
    noted = client.post(
        f"/correspondents/{helene.id}/notes", json={"text": NOTE}, headers=bearer("doctor")
    )
    assert noted.status_code == 201
    assert events.drain(expect=0, settle=1.0) == []  # a local note is never published
    changed = rpps_with_a_new_phone(tmp_path)

    report = _upload(client, operator, changed)

    assert (report["inserted"], report["updated"], report["unchanged"]) == (0, 1, 5)
    received = events.drain(expect=1, settle=1.5)
    assert len(received) == 1
    _valid(received[0])
    data = received[0]["data"]
    assert (data["correspondent_id"], data["practice_phone"]) == (helene.id, "+33555529999")
    assert "local_notes" not in data
    assert NOTE not in json.dumps(received[0], ensure_ascii=False)
    assert [n["text"] for n in Correspondent.objects.get(id=helene.id).local_notes] == [NOTE]


def test_a_reimport_with_no_change_publishes_nothing(
    directory, bearer, tap, monkeypatch, make_config
):
    _upload(directory.test_client(), bearer("operator"), RPPS_SAMPLE)
    assert _all_relayed()
    events = tap(UPDATED)

    result = run_cli(
        monkeypatch,
        make_config,
        "directory",
        "import",
        "rpps",
        str(RPPS_SAMPLE),
        "--departement",
        "23",
    )

    assert result.exit_code == 0, result.output
    assert "0 inserted, 0 updated" in result.output
    assert Correspondent.objects(outbox__0__exists=True).count() == 0  # nothing queued
    assert events.drain(expect=0, settle=2.0) == []
