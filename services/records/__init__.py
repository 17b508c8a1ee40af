"""The records service.

One continuous medical record per patient, read by care relationship, every access
audited.
"""
