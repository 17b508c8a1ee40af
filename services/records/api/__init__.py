"""HTTP views of the records service: every request is guarded and audited.

Doctors read and write a record while on duty at a site where the patient is
booked this week, or in an open consultation with them there; patients read
their own; coordinators see counters only; call-centre agents never see
medical content.  Follow-ups and pending results belong to the site: its doctor
on duty sees and closes them.  Views: ``records`` (the record and its
sections, completeness, FHIR, the access log), ``consultations``, ``sites``
(open items, counters).
"""

from services.records.api import consultations, records, sites  # noqa: F401  (routes)
from services.records.api.blueprint import blp

__all__ = ["blp"]
