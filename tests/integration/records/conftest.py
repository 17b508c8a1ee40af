from tests.support.records import care, client, clock, records_app

__all__ = ["care", "client", "clock", "records_app"]
