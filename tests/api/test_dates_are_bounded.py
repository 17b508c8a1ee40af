"""Dates near year 1 or 9999 are 422s, never 500s; a date is YYYY-MM-DD (issue 16: 4, 9)."""

import pytest

from tests.support.gateway import edge, make_platform, platform

__all__ = ["edge", "make_platform", "platform"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/booking/slots?site_id=site-ajain&from=9999-12-31&to=9999-12-31",
        "/api/booking/slots?site_id=site-ajain&from=0001-01-01",
        "/api/booking/agenda?site_id=site-ajain&day=0001-01-01",
        "/api/booking/agenda?site_id=site-ajain&day=20261204",
        "/api/roster/sites/site-ajain/weeks/9999-W52/calendar",
        "/api/roster/coverage/gaps?from=9999-12-01&to=9999-12-31",
        "/api/roster/coverage/gaps?from=9999-W50&to=9999-W52",
        "/api/booking/patients?family_name=dupont&birth_date=19900101",
    ],
)
def test_dates_out_of_bounds_or_shape_are_field_errors(edge, bearer, path):
    answer = edge.get(path, headers=bearer("operator"))
    assert answer.status_code == 422, (path, answer.get_json())
    assert answer.get_json()["errors"]


def test_an_offer_for_the_year_9999_is_refused(edge, bearer):
    offer = {"doctor_id": "doc-1", "weeks": ["9999-W52"]}
    answer = edge.post("/api/roster/offers", json=offer, headers=bearer("operator"))
    assert answer.status_code == 422 and "weeks" in answer.get_json()["errors"]["json"]


def test_a_birth_date_in_basic_iso_form_is_refused(edge):
    from tests.support.booking import patient

    body = {"slot_id": "x", "motif": "consultation", "patient": patient(1, birth_date="19510314")}
    answer = edge.post("/api/booking/appointments", json=body)
    assert answer.status_code == 422
    assert "birth_date" in answer.get_json()["errors"]["json"]["patient"]
