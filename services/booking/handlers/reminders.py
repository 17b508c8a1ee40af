"""Reminder events, 48 hours and 2 hours before each booked appointment.

Each reminder is recorded in the appointment with its event (one conditional
write), so it goes out once whichever worker finds it first.
"""

from __future__ import annotations

from datetime import timedelta

from chassis import outbox
from services.booking import events
from services.booking.documents import Appointment, Patient
from services.booking.domain import now_utc

SERVICE = "booking"
LEADS = {"48h": timedelta(hours=48), "2h": timedelta(hours=2)}


def send_due_reminders() -> int:
    now = now_utc()
    sent = 0
    collection = Appointment._get_collection()
    for lead, ahead in LEADS.items():
        due = collection.find(
            {
                "status": "booked",
                "start": {"$gt": now, "$lte": now + ahead},
                f"reminders.{lead}": {"$exists": False},
            }
        )
        for doc in due:
            appointment = Appointment._from_son(doc)
            patient = Patient.objects(id=appointment.patient_id).first()
            result = collection.update_one(
                {"_id": appointment.id, f"reminders.{lead}": {"$exists": False}},
                {
                    "$set": {f"reminders.{lead}": now},
                    **outbox.push(events.reminder_due(appointment, lead, patient)),
                },
            )
            sent += result.modified_count
    if sent:
        outbox.notify(SERVICE)
    return sent
