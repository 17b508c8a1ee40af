"""Slots follow the rota: idempotent under replays, appointments follow the doctor."""

from datetime import timedelta

from services.booking.documents import Appointment, Slot
from services.booking.handlers import weeks
from tests.support.booking import (
    book,
    confirmed,
    first_slots,
    next_week,
    released,
    updated,
)


def snapshot():
    return sorted(
        (
            s.id,
            s.status,
            s.doctor_id,
            s.assignment_id,
            s.revision,
            s.held_back,
            s.start.isoformat(),
            s.end.isoformat(),
        )
        for s in Slot.objects
    )


def history(week):
    monday = confirmed(week).data["opening"][0]["start"]
    return [
        confirmed(week, assignment_id="asg-1", doctor_id="doc-1"),
        updated(
            week,
            assignment_id="asg-1",
            doctor_id="doc-1",
            revision=2,
            pace=4,
            home_visits=[
                {"start": monday + timedelta(hours=6), "end": monday + timedelta(hours=8)}
            ],
        ),
        released(week, assignment_id="asg-1", doctor_id="doc-1"),
        confirmed(week, assignment_id="asg-2", doctor_id="doc-2"),
        updated(
            week,
            assignment_id="asg-2",
            doctor_id="doc-2",
            revision=2,
            pace=3,
            held_back=[
                {"date": monday.date(), "slots": 2, "release_at": monday - timedelta(hours=1)}
            ],
        ),
    ]


HANDLERS = {
    "roster.week.confirmed.v1": weeks.apply_week,
    "roster.week.updated.v1": weeks.apply_week,
    "roster.week.released.v1": weeks.release_week,
}


def test_replaying_every_roster_event_twice_yields_exactly_the_same_slots(booking_app):
    week = next_week(2)
    events = history(week)
    for event in events:
        HANDLERS[event.type](event)
    once = snapshot()
    assert {s[3] for s in once if s[1] == "open"} == {"asg-2"}
    assert len([s for s in once if s[5]]) == 2  # held back

    for event in events + events:  # the whole history, twice more
        HANDLERS[event.type](event)
    assert snapshot() == once

    for event in reversed(events):  # and out of order
        HANDLERS[event.type](event)
    assert snapshot() == once


def test_a_released_week_flags_its_appointments_and_a_new_doctor_takes_them_all(
    booking_app, client
):
    week = next_week(2)
    weeks.apply_week(confirmed(week, assignment_id="asg-1", doctor_id="doc-1"))
    references = [
        book(client, s["id"], n=i).get_json()["reference"]
        for i, s in enumerate(first_slots(client, 5))
    ]

    weeks.release_week(released(week, assignment_id="asg-1", doctor_id="doc-1"))
    flagged = Appointment.objects(reference__in=references)
    assert all(a.needs_doctor and a.status == "booked" for a in flagged)
    assert all(a.outbox[-1]["type"] == "booking.appointment.affected.v1" for a in flagged)
    assert first_slots(client, 1) == []  # nothing bookable without a doctor

    weeks.apply_week(confirmed(week, assignment_id="asg-2", doctor_id="doc-2"))
    after = list(Appointment.objects(reference__in=references))
    assert len(after) == 5
    assert all(
        a.doctor_id == "doc-2" and not a.needs_doctor and a.status == "booked" for a in after
    )
    affected = [
        e["envelope"]["data"]["cause"]
        for a in after
        for e in a.outbox
        if e["type"] == "booking.appointment.affected.v1"
    ]
    assert sorted(affected) == ["needs_doctor"] * 5 + ["reassigned"] * 5
    assert len(first_slots(client, 500)) > 0
