"""The directory service.

The centre's book of correspondents: specialists and care structures of the territory.
"""
