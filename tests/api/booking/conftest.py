from tests.support.booking import agent, booking_app, client, week

__all__ = ["agent", "booking_app", "client", "week"]
