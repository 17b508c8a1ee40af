"""The planner in the roster worker, and a plan confirmed by many hands at once, on the
real broker: each proposal is confirmed exactly once and announced exactly once."""

import threading
import time

from chassis.testing.server import serving
from services.roster.documents import Assignment
from tests.integration.roster.conftest import post
from tests.support.roster import BUS, CENTRE, doctor, future_week, known_to_directory

CONFIRMED = "roster.week.confirmed.v1"


def _rota(client, bearer) -> tuple[dict, list[str]]:
    operator = bearer("operator")
    coordinator = bearer("coordinator", sites=["site-ajain", "bus-nord-87"])
    assert client.post("/sites", json=CENTRE, headers=operator).status_code == 201
    assert client.post("/sites", json=BUS, headers=operator).status_code == 201
    weeks = [future_week(n) for n in range(3, 9)]
    for n in range(6):
        body = doctor(40 + n)
        known_to_directory(body["rpps"])
        doctor_id = client.post("/doctors", json=body, headers=coordinator).get_json()["id"]
        offered = {"doctor_id": doctor_id, "weeks": weeks[n % 3 :: 3]}
        assert client.post("/offers", json=offered, headers=coordinator).status_code == 201
    return coordinator, weeks


def _wait_until_solved(client, headers, plan_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        plan = client.get(f"/plans/{plan_id}", headers=headers).get_json()
        if plan["status"] in ("done", "failed"):
            return plan
        time.sleep(0.2)
    raise AssertionError(f"plan {plan_id} still {plan['status']} after {timeout}s")


def test_the_worker_solves_a_plan_and_many_concurrent_confirmations_confirm_each_once(
    roster, bearer, tap
):
    events = tap(CONFIRMED)
    client = roster.test_client()
    coordinator, weeks = _rota(client, bearer)
    body = {"from": weeks[0], "to": weeks[-1], "seconds": 5}
    started = client.post("/plans", json=body, headers=coordinator)
    assert started.status_code == 202 and started.get_json()["status"] == "queued"

    plan = _wait_until_solved(client, coordinator, started.get_json()["id"])  # by the worker

    assert plan["status"] == "done" and plan["result"]["optimal"] is True
    proposals = plan["proposals"]
    assert len(proposals) == 12  # two doctors each week, two sites
    outcomes: list[tuple[int, dict]] = []
    start = threading.Barrier(10)

    def confirm():
        start.wait()
        outcomes.append(post(base, f"/plans/{plan['id']}/confirm", {}, coordinator))

    with serving(roster) as base:
        threads = [threading.Thread(target=confirm) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    assert [status for status, _ in outcomes] == [200] * 10
    by_proposal: dict[str, list[int]] = {}
    for _, body in outcomes:
        for result in body["results"]:
            by_proposal.setdefault(result["proposal_id"], []).append(result["status"])
    for proposal in proposals:
        statuses = by_proposal[proposal["id"]]
        assert statuses.count(201) == 1, (proposal, statuses)  # one confirmation each,
        assert set(statuses) <= {200, 201}  # the others saw it done
        stored = Assignment.objects(site_id=proposal["site_id"], week=proposal["week"])
        assert [(a.doctor_id, a.state) for a in stored] == [(proposal["doctor_id"], "confirmed")]
    announced = events.drain(expect=len(proposals), settle=1.5)
    assert sorted((e["data"]["site_id"], e["data"]["week"]) for e in announced) == sorted(
        (p["site_id"], p["week"]) for p in proposals
    )
