"""records.consultation.closed.v1 on the real broker marks booking's appointment completed.

Everything travels as in production: a roster week event on the exchange feeds
both booking (slots) and records (who is on duty); the booking's own events
give records the patient and the visit; closing the consultation tells booking.
"""

import pytest

from chassis.bus.publisher import ConfirmingPublisher, Outgoing
from chassis.testing.waiting import wait_until
from contracts.catalog import catalog
from contracts.envelope import build, encode
from services.booking.app import create_app as booking_app
from services.booking.documents import Appointment, Slot
from services.booking.worker import build_worker as booking_worker
from services.records.app import create_app as records_app
from services.records.documents import PatientRecord, Visit
from services.records.worker import build_worker as records_worker
from tests.support.booking import next_week, patient, week_data


@pytest.fixture
def platform(make_config, bus_settings, issuer, clock):
    key = issuer.public_key_pem
    booking_config = make_config("booking", bus=bus_settings, jwt_public_key=key)
    records_config = make_config("records", bus=bus_settings, jwt_public_key=key)
    apps = {
        "booking": booking_app(booking_config),
        "records": records_app(records_config, clock=clock),
    }
    workers = [booking_worker(booking_config), records_worker(records_config)]
    for worker in workers:
        worker.consumer.connect()  # queues bound before anything is published
        worker.start()
    yield apps
    for worker in workers:
        worker.stop()


def test_closing_a_consultation_completes_the_appointment_in_booking(
    platform, bus_settings, bearer, clock
):
    week = next_week(1)
    clock.travel(weeks=1)  # records' clock: as if during that week
    roster = build(
        catalog(),
        "roster.week.confirmed.v1",
        week_data(week, doctor_id="doc-a", assignment_id="asg-a"),
    )
    ConfirmingPublisher(bus_settings).publish(
        Outgoing(roster["type"], encode(roster), roster["id"])
    )
    assert wait_until(lambda: Slot.objects.count() > 0)

    booking, records = platform["booking"].test_client(), platform["records"].test_client()
    slot = booking.get("/slots", query_string={"site_id": "site-ajain"}).get_json()[0]
    booked = booking.post(
        "/appointments",
        json={"slot_id": slot["id"], "motif": "consultation", "patient": patient(1)},
    ).get_json()
    appointment = Appointment.objects.get(reference=booked["reference"])
    assert wait_until(lambda: Visit.objects(id=appointment.id).count() == 1)
    assert wait_until(lambda: PatientRecord.objects(id=appointment.patient_id).count() == 1)

    doctor = bearer("doctor", sub="doc-a")
    opened = records.post("/consultations", json={"appointment_id": appointment.id}, headers=doctor)
    assert opened.status_code == 201, opened.get_json()
    closed = records.post(f"/consultations/{opened.get_json()['id']}/close", headers=doctor)
    assert closed.status_code == 200

    assert wait_until(lambda: Appointment.objects.get(id=appointment.id).status == "completed")
    history = Appointment.objects.get(id=appointment.id).history
    assert history[-1]["by"] == "records"
