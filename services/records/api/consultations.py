"""Views of consultations: opened from an appointment by the doctor on duty, written by
that doctor only, read by a doctor in care; closing tells booking (ids only)."""

from __future__ import annotations

from flask.views import MethodView

from services.records import handlers
from services.records import schemas as s
from services.records.access import guard_appointment, guard_consultation
from services.records.api.blueprint import blp
from services.records.audit import audited
from services.records.domain import MEDICAL_READ, MEDICAL_WRITE


@blp.route("/consultations")
class Consultations(MethodView):
    @audited("open_consultation", "care")
    @blp.arguments(s.ConsultationOpenIn)
    @blp.response(201, s.ConsultationOut)
    def post(self, data):
        """Open a consultation from an appointment at the site where you are on duty."""
        who, visit = guard_appointment(data["appointment_id"])
        return handlers.open_consultation(visit, data["reason"], who.subject)


@blp.route("/consultations/<consultation_id>")
class ConsultationOne(MethodView):
    @audited("read_consultation", "care")
    @blp.response(200, s.ConsultationOut)
    def get(self, consultation_id):
        """A consultation (a doctor in care with its patient)."""
        return guard_consultation(consultation_id, MEDICAL_READ)[1]

    @audited("write_consultation", "care")
    @blp.arguments(s.ConsultationPatch)
    @blp.response(200, s.ConsultationOut)
    def patch(self, changes, consultation_id):
        """Reason, clinical exam (BMI computed), notes, diagnosis, prescriptions, outcome."""
        who, item = guard_consultation(consultation_id, MEDICAL_WRITE)
        return handlers.update_consultation(item, changes, who.subject)


@blp.route("/consultations/<consultation_id>/items")
class ConsultationItems(MethodView):
    @audited("add_site_item", "care")
    @blp.arguments(s.SiteItemIn)
    @blp.response(201, s.SiteItemOut)
    def post(self, data, consultation_id):
        """A follow-up or a pending result, left to the site (next week's doctor sees it)."""
        who, item = guard_consultation(consultation_id, MEDICAL_WRITE)
        return handlers.add_site_item(
            item, data["kind"], data["text"], data.get("due"), who.subject
        )


@blp.route("/consultations/<consultation_id>/close")
class ConsultationClose(MethodView):
    @audited("close_consultation", "care")
    @blp.response(200, s.ConsultationOut)
    def post(self, consultation_id):
        """Close it: ``records.consultation.closed.v1`` (ids only) tells booking."""
        who, item = guard_consultation(consultation_id, MEDICAL_WRITE)
        return handlers.close_consultation(item, who.subject)
