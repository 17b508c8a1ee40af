"""Importing the sample RPPS and FINESS files: exact counts, idempotence, local notes kept."""

import io

import pytest

from contracts.catalog import catalog
from services.directory.documents import Correspondent
from services.directory.importing.importer import NotADirectoryFile, import_file
from tests.support.directory import DATA, RPPS_SAMPLE, rpps_with_a_new_phone, run_cli

REJECTED_RPPS = [
    {"line": 4, "reason": "'ABC00000011' is not an 11-digit RPPS identifier"},
    {"line": 6, "reason": "5 columns where the header has 53"},
    {"line": 9, "reason": "no name"},
    {"line": 12, "reason": "same entry as line 2"},
]


def load(name, kind, **kwargs):
    with (DATA / name).open("rb") as stream:
        return import_file(kind, stream, source=name, **kwargs)


@pytest.mark.parametrize("name", ["rpps_sample.txt", "rpps_sample_cp1252.txt"])
def test_an_rpps_file_imports_with_exact_counts_whatever_its_encoding(directory_app, name):
    report = load(name, "rpps", departements=["23", "87"])
    assert (report.lines_read, report.inserted, report.updated, report.unchanged) == (12, 6, 0, 0)
    assert report.outside_territory == 1
    assert report.rejected_count == 4 and report.rejected == REJECTED_RPPS
    assert report.encoding == ("utf-8" if "cp1252" not in name else "cp1252")
    helene = Correspondent.objects.get(rpps="10100000011")
    assert (helene.name, helene.specialty, helene.commune) == (
        "Hélène Lefèvre",
        "Cardiologie",
        "Guéret",
    )
    assert helene.phone == "+33555520101"


def test_a_reimport_changes_nothing_and_keeps_local_notes(client, bearer):
    load("rpps_sample.txt", "rpps")
    doctor = bearer("doctor", sub="doc-a")
    ident = Correspondent.objects.get(rpps="10100000011").id
    note = client.post(
        f"/correspondents/{ident}/notes",
        json={"text": "Répond vite aux courriers MSSanté"},
        headers=doctor,
    )
    assert note.status_code == 201
    before = {c.id: c.import_hash for c in Correspondent.objects}

    again = load("rpps_sample.txt", "rpps")

    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 7)
    assert again.rejected_count == 4
    assert {c.id: c.import_hash for c in Correspondent.objects} == before
    assert Correspondent.objects.count() == 7
    notes = Correspondent.objects.get(id=ident).local_notes
    assert [n["text"] for n in notes] == ["Répond vite aux courriers MSSanté"]


def test_a_changed_line_is_an_update_and_announces_the_new_card(directory_app, tmp_path):
    load("rpps_sample.txt", "rpps")
    with rpps_with_a_new_phone(tmp_path).open("rb") as stream:
        report = import_file("rpps", stream)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 6)
    helene = Correspondent.objects.get(rpps="10100000011")
    assert helene.phone == "+33555529999"
    event = helene.outbox[-1]["envelope"]
    assert catalog().get(event["type"]).schema().validate(event["data"]) == {}
    assert event["data"]["practice_phone"] == "+33555529999"
    assert "local_notes" not in event["data"]


def test_a_finess_file_imports_structures_and_their_lambert_93_locations(directory_app):
    report = load("finess_sample.csv", "finess")
    assert (report.lines_read, report.inserted, report.located) == (11, 4, 4)
    assert report.rejected == [
        {"line": 6, "reason": "'XX0000000' is not a FINESS number"},
        {"line": 11, "reason": "coordinates are not numbers"},
    ]
    hospital = Correspondent.objects.get(finess="230780041")
    assert hospital.category == "hospital" and hospital.commune == "Gueret"
    lon, lat = hospital.location["coordinates"]
    assert abs(lon - 1.8717) < 1e-4 and abs(lat - 46.1714) < 1e-4
    again = load("finess_sample.csv", "finess")
    assert (again.inserted, again.updated, again.unchanged, again.located) == (0, 0, 4, 0)


def test_the_cli_imports_with_a_report(directory_app, tmp_path, monkeypatch, make_config):
    report = tmp_path / "report.json"
    result = run_cli(
        monkeypatch,
        make_config,
        "directory",
        "import",
        "rpps",
        str(RPPS_SAMPLE),
        "--departement",
        "23",
        "--report",
        str(report),
    )
    assert result.exit_code == 0, result.output
    assert "12 lines read: 4 inserted" in result.output
    assert "line 4: 'ABC00000011' is not an 11-digit RPPS identifier" in result.output
    assert '"outside_territory": 3' in report.read_text()


@pytest.mark.parametrize(
    "payload",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x00\x00",
        b"%PDF-1.7\n%\xe2\xe3",
        b"just some text\nwithout the header\n",
    ],
)
def test_a_file_that_is_not_an_extraction_is_refused_clearly(client, bearer, payload):
    operator = bearer("operator")
    response = client.post(
        "/imports/rpps",
        headers=operator,
        data={"file": (io.BytesIO(payload), "upload.bin")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    assert "RPPS" in response.get_json()["message"]
    assert Correspondent.objects.count() == 0
    with pytest.raises(NotADirectoryFile):
        import_file("rpps", io.BytesIO(payload))


def upload_finess(client, headers, url="/imports/finess"):
    with (DATA / "finess_sample.csv").open("rb") as stream:
        return client.post(
            url,
            headers=headers,
            data={"file": (stream, "finess_sample.csv")},
            content_type="multipart/form-data",
        )


def test_an_operator_imports_by_upload_and_others_may_not(client, bearer):
    refused = upload_finess(client, bearer("coordinator"))
    assert refused.status_code == 403
    response = upload_finess(client, bearer("operator"), "/imports/finess?departement=23")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["inserted"], body["outside_territory"]) == (3, 1)
    missing = client.post(
        "/imports/finess", headers=bearer("operator"), data={}, content_type="multipart/form-data"
    )
    assert missing.status_code == 422


def test_languages_set_at_the_centre_survive_a_reimport_that_changes_the_card(
    client, bearer, tmp_path
):
    """The RPPS extraction has no languages column: the centre fills them in, imports keep them."""
    load("rpps_sample.txt", "rpps")
    helene = Correspondent.objects.get(rpps="10100000011")
    assert helene.languages == []
    response = client.patch(
        f"/correspondents/{helene.id}", json={"languages": ["fr", "en"]}, headers=bearer("doctor")
    )
    assert response.status_code == 200 and response.get_json()["languages"] == ["fr", "en"]
    with rpps_with_a_new_phone(tmp_path).open("rb") as stream:
        assert import_file("rpps", stream).updated == 1
    helene.reload()
    assert (helene.phone, helene.languages) == ("+33555529999", ["fr", "en"])
