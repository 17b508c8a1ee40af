"""The booking service served on a real socket, its worker on the real broker."""

from tests.support.booking import agent, booking, booking_app, client, week

__all__ = ["agent", "booking", "booking_app", "client", "week"]
