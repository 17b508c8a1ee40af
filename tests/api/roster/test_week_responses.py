"""A site-week's calendar and handover: documented response schemas, same JSON as before."""

from datetime import UTC, datetime

import pytest

from tests.support.roster import BUS

CALENDAR = "/sites/{site_id}/weeks/{week}/calendar"
HANDOVER = "/sites/{site_id}/weeks/{week}/handover"


def _resolve(spec: dict, schema: dict) -> dict:
    ref = schema.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def _documented(spec: dict, path: str) -> dict:
    response = spec["paths"][path]["get"]["responses"]["200"]
    return _resolve(spec, response["content"]["application/json"]["schema"])


def _property(spec: dict, schema: dict, name: str) -> dict:
    prop = _resolve(spec, schema["properties"][name])
    if prop.get("type") == "array":
        return _resolve(spec, prop["items"])
    for choice in prop.get("anyOf", []):  # a nullable nested schema: its $ref or null
        if "$ref" in choice:
            return _resolve(spec, choice)
    return prop


@pytest.mark.parametrize("path", [CALENDAR, HANDOVER])
def test_the_week_reads_have_a_documented_response_schema(client, path):
    spec = client.get("/openapi.json").get_json()
    assert _documented(spec, path)["properties"]


def test_the_calendar_schema_documents_every_field_it_answers(client):
    spec = client.get("/openapi.json").get_json()
    calendar = _documented(spec, CALENDAR)
    assert set(calendar["properties"]) == {"site_id", "week", "opening", "closed"}
    opening = _property(spec, calendar, "opening")
    assert set(opening["properties"]) == {"start", "end", "stop"}
    assert opening["properties"]["start"]["format"] == "date-time"
    stop = _property(spec, opening, "stop")
    assert set(stop["properties"]) == {"stop_id", "commune", "address", "location"}
    closed = _property(spec, calendar, "closed")
    assert set(closed["properties"]) == {"date", "part", "reason"}
    assert closed["properties"]["date"]["format"] == "date"


def test_the_handover_schema_documents_the_note(client):
    spec = client.get("/openapi.json").get_json()
    handover = _documented(spec, HANDOVER)
    assert set(handover["properties"]) == {"site_id", "week", "handover"}
    note = _property(spec, handover, "handover")
    assert set(note["properties"]) == {
        "from_week",
        "doctor_id",
        "text",
        "author_id",
        "written_at",
    }


def test_a_winter_week_at_a_centre_answers_as_before(client, centre):
    """2027-W03: no holiday, Paris on UTC+1, Thursday afternoon closed."""
    response = client.get("/sites/site-ajain/weeks/2027-W03/calendar")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["site_id", "week", "opening", "closed"]
    day = [("07:30", "11:00"), ("13:00", "17:30")]
    expected_opening = [
        {
            "start": f"2027-01-{d}T{start}:00+00:00",
            "end": f"2027-01-{d}T{end}:00+00:00",
            "stop": None,
        }
        for d in ("18", "19", "20", "21", "22")
        for start, end in (day[:1] if d == "21" else day)
    ]
    assert body == {
        "site_id": "site-ajain",
        "week": "2027-W03",
        "opening": expected_opening,
        "closed": [{"date": "2027-01-21", "part": "afternoon", "reason": "thursday_afternoon"}],
    }
    assert list(body["opening"][0]) == ["start", "end", "stop"]


def test_ascension_week_at_a_centre_answers_as_before(client, centre):
    """2027-W18: Ascension on Thursday 6 May closes the whole day; Paris on UTC+2."""
    body = client.get("/sites/site-ajain/weeks/2027-W18/calendar").get_json()
    assert body["closed"] == [
        {"date": "2027-05-06", "part": "day", "reason": "public holiday: Ascension"}
    ]
    assert [p["start"][:10] for p in body["opening"]] == [
        "2027-05-03",
        "2027-05-03",
        "2027-05-04",
        "2027-05-04",
        "2027-05-05",
        "2027-05-05",
        "2027-05-07",
        "2027-05-07",
    ]
    assert body["opening"][0] == {
        "start": "2027-05-03T06:30:00+00:00",
        "end": "2027-05-03T10:00:00+00:00",
        "stop": None,
    }


def test_a_mobile_unit_answers_its_stops_as_before(client, operator):
    assert client.post("/sites", json=BUS, headers=operator).status_code == 201
    body = client.get("/sites/bus-nord-87/weeks/2027-W03/calendar").get_json()
    assert body == {
        "site_id": "bus-nord-87",
        "week": "2027-W03",
        "opening": [
            {
                "start": "2027-01-18T08:00:00+00:00",
                "end": "2027-01-18T15:00:00+00:00",
                "stop": {
                    "stop_id": "bessines",
                    "commune": "Bessines-sur-Gartempe",
                    "address": "Place de la Mairie",
                    "location": {"lon": 1.3706, "lat": 46.1087},
                },
            },
            {
                "start": "2027-01-20T08:00:00+00:00",
                "end": "2027-01-20T11:30:00+00:00",
                "stop": {
                    "stop_id": "lauriere",
                    "commune": "Laurière",
                    "address": "Champ de foire",
                    "location": {"lon": 1.4736, "lat": 46.0764},
                },
            },
        ],
        "closed": [],
    }
    assert list(body["opening"][0]["stop"]) == ["stop_id", "commune", "address", "location"]


def test_one_assignment_carries_the_same_calendar(client, coordinator, centre, register):
    week = "2027-W03"
    from services.roster.documents import Assignment, Logistics

    doctor = register(1)
    Assignment(
        id="asg-w03",
        site_id="site-ajain",
        week=week,
        doctor_id=doctor["id"],
        state="proposed",
        logistics=Logistics(),
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
    ).save()
    calendar = client.get(f"/sites/site-ajain/weeks/{week}/calendar").get_json()
    body = client.get("/assignments/asg-w03", headers=coordinator).get_json()
    assert body["opening"] == {"opening": calendar["opening"], "closed": calendar["closed"]}
    listed = client.get("/assignments", headers=coordinator).get_json()
    assert [a["opening"] for a in listed] == [None]
