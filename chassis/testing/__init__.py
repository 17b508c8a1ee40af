"""Test support shared by every service's tests: broker, database, TCP proxy."""
