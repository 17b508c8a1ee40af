"""No-show and completion at the desk go out on RabbitMQ, once each; a check-in does not."""

from tests.support.booking import patient


def test_no_show_and_completion_reach_the_broker(booking, tap, bearer):
    app, _ = booking
    out = tap("booking.appointment.no_show.v1", "booking.appointment.completed.v1")
    client = app.test_client()
    agent = bearer("agent", sub="agent-7")
    first, second = client.get("/slots", query_string={"site_id": "site-ajain"}).get_json()[:2]
    missed, seen = (
        client.post(
            "/appointments",
            json={"slot_id": slot["id"], "motif": "consultation", "patient": patient(n)},
        ).get_json()
        for n, slot in ((1, first), (2, second))
    )

    assert (
        client.post(f"/appointments/{missed['reference']}/no-show", headers=agent).status_code
        == 200
    )
    assert (
        client.post(f"/appointments/{seen['reference']}/check-in", headers=agent).status_code == 200
    )
    assert (
        client.post(f"/appointments/{seen['reference']}/complete", headers=agent).status_code == 200
    )
    # refused transitions announce nothing
    assert (
        client.post(f"/appointments/{seen['reference']}/no-show", headers=agent).status_code == 409
    )

    received = out.drain(expect=2, settle=1.0)
    by_type = {e["type"]: e["data"] for e in received}
    assert len(received) == 2
    assert by_type["booking.appointment.no_show.v1"]["appointment_id"] == missed["id"]
    assert by_type["booking.appointment.completed.v1"]["appointment_id"] == seen["id"]
