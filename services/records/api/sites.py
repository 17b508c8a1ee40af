"""Views of a site: its open follow-ups and pending results, and its counters.

The open list belongs to the site, not to a doctor or a patient's booking: the
doctor on duty there this week sees it (what a follow-up needs: the item, and
who the patient is) and marks items done.  It opens no record.  Reading the
list is audited once for the site and once in the trail of each patient shown.
"""

from __future__ import annotations

from flask.views import MethodView

from contracts.booking import TRAITS
from services.records import audit, handlers
from services.records import schemas as s
from services.records.access import guard_counters, guard_item, guard_site
from services.records.api.blueprint import blp
from services.records.audit import audited
from services.records.documents import Counter, PatientRecord, SiteItem

IDENTITY = ("id", "identity_status", *TRAITS)


@blp.route("/sites/<site_id>/open-items")
class OpenItems(MethodView):
    @audited("list_site_items", "site_follow_up")
    @blp.response(200, s.OpenItemOut(many=True))
    def get(self, site_id):
        """Follow-ups and pending results still open at the site (its doctor on duty)."""
        who = guard_site(site_id)
        items = list(SiteItem.objects(site_id=site_id, status="open").order_by("created_at"))
        shown = {i.patient_id for i in items}
        patients = {p.id: p for p in PatientRecord.objects(id__in=list(shown)).only(*IDENTITY)}
        audit.disclosed(who, shown, site_id, "on duty at the site that holds the item")
        for item in items:
            item.patient = patients.get(item.patient_id)
        return items


@blp.route("/site-items/<item_id>/done")
class SiteItemDone(MethodView):
    @audited("finish_site_item", "site_follow_up")
    @blp.response(200, s.SiteItemOut)
    def post(self, item_id):
        """Mark a follow-up or a pending result done (the site's doctor on duty)."""
        who, item = guard_item(item_id)
        return handlers.finish_item(item, who.subject)


@blp.route("/sites/<site_id>/counters")
class Counters(MethodView):
    @audited("read_counters", "counters")
    @blp.response(200, s.CountersOut)
    def get(self, site_id):
        """Non-medical counts: consultations, médecin traitant declarations (coordinators)."""
        guard_counters(site_id)
        values = {c.name: c.value for c in Counter.objects(site_id=site_id)}
        names = ("consultations_opened", "consultations_closed", "gp_declarations")
        return {"site_id": site_id, **{k: values.get(k, 0) for k in names}}
