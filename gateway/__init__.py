"""The thin edge: routes /api/<service>/... to the services, serves the pages.

No business rules live here.
"""
