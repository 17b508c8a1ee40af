"""Views of one patient's record: read, add to its sections, completeness, FHIR, access log."""

from __future__ import annotations

from datetime import date

from flask import g, jsonify
from flask.views import MethodView

from chassis.auth import principal
from services.records import clock, fhir, handlers, people, prevention
from services.records import schemas as s
from services.records.access import guard, guard_trail, on_duty_sites
from services.records.api.blueprint import blp
from services.records.audit import audited
from services.records.documents import AuditEntry, Consultation
from services.records.domain import MEDICAL_WRITE, SECTIONS, Decision


@blp.route("/records/<patient_id>")
class RecordOne(MethodView):
    @audited("read_record", "care")
    @blp.response(200, s.RecordOut)
    def get(self, patient_id):
        """The whole record of the person, with its consultations: what was written under
        their identity and under the provisional ones staff merged into it."""
        _, person = guard(patient_id)
        record = handlers.person_record(person)
        record.consultations = list(
            Consultation.objects(patient_id__in=people.group(person)).order_by("-opened_at")
        )
        return record


def _section_view(section: str):
    schema = s.SECTION_SCHEMAS[section]

    class SectionEntries(MethodView):
        @audited(f"add_{section}", "care")
        @blp.arguments(schema)
        @blp.response(201, s.RecordOut)
        def post(self, entry, patient_id):
            who, person = guard(patient_id, kind=MEDICAL_WRITE)
            return handlers.add_entry(person, section, entry, who.subject)

    SectionEntries.__name__ = f"Add{section.title().replace('_', '')}"
    SectionEntries.post.__doc__ = f"Add an entry to the record's {section.replace('_', ' ')}."
    blp.route(f"/records/<patient_id>/{section.replace('_', '-')}")(SectionEntries)


for _section in SECTIONS:
    _section_view(_section)


@blp.route("/records/<patient_id>/no-known-allergies")
class NoKnownAllergies(MethodView):
    @audited("declare_no_known_allergies", "care")
    @blp.response(200, s.RecordOut)
    def post(self, patient_id):
        """Record "no known allergies" (only while the allergy list is empty)."""
        _, person = guard(patient_id, kind=MEDICAL_WRITE)
        return handlers.declare_no_known_allergies(person)


@blp.route("/records/<patient_id>/gp-declaration")
class GpDeclaration(MethodView):
    @audited("declare_gp", "care")
    @blp.arguments(s.GpDeclarationIn)
    @blp.response(200, s.RecordOut)
    def post(self, data, patient_id):
        """Record a médecin traitant declaration made at the centre."""

        def at_own_site(who) -> Decision | None:
            if data["site_id"] in on_duty_sites(who.subject):
                return None
            reason = "declare from the site where you are on duty"
            return Decision(False, 403, reason, "not_on_duty")

        who, person = guard(patient_id, kind=MEDICAL_WRITE, check=at_own_site)
        return handlers.declare_gp(person, data["declared_on"], who.subject, data["site_id"])


@blp.route("/records/<patient_id>/completeness")
class Completeness(MethodView):
    @audited("read_completeness", "care")
    def get(self, patient_id):
        """What the record still lacks, and the screenings and vaccinations due today."""
        _, person = guard(patient_id)
        record = handlers.person_record(person)
        missing = [name for name in SECTIONS if not record[name]]
        if record.no_known_allergies and "allergies" in missing:
            missing.remove("allergies")
        if record.has_gp == "unknown":
            missing.append("gp_status")
        done: dict[str, list[date]] = {}
        for item in record.vaccinations:
            done.setdefault(item["vaccine"], []).append(_day(item["date"]))
        for item in record.screenings:
            done.setdefault(item["kind"], []).append(_day(item["date"]))
        due = prevention.due(record.birth_date, record.sex, done, clock.today())
        return {"patient_id": person, "missing": missing, "due": due}


def _day(value) -> date:
    return value.date() if hasattr(value, "date") else date.fromisoformat(str(value)[:10])


@blp.route("/records/<patient_id>/fhir")
class FhirExport(MethodView):
    @audited("export_fhir", "export")
    def get(self, patient_id):
        """The record as a FHIR R4 Bundle (built with the R4B models of fhir.resources)."""
        _, person = guard(patient_id)
        bundle = fhir.export(handlers.person_record(person), people.group(person))
        response = jsonify(bundle.model_dump(mode="json", exclude_none=True))
        response.headers["Content-Type"] = "application/fhir+json"
        return response


@blp.route("/records/<patient_id>/access-log")
class AccessLog(MethodView):
    @audited("read_access_log", "oversight")
    @blp.response(200, s.AuditOut(many=True))
    def get(self, patient_id):
        """Who accessed this record, when and why: the patient's own view, and the
        operators' (whose reading is itself in the log)."""
        who = principal()
        if who is not None and who.role == "patient":
            g.records_action = ("read_access_log", "patient_access")
        _, person = guard_trail(patient_id)
        return AuditEntry.objects(patient_id__in=people.group(person)).order_by("-at")
