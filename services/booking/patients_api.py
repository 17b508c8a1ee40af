"""HTTP views of patients: identities (identity vigilance at the desk), their appointments,
their sign-in (called by the gateway), and the birth places the booking form searches.

Registered inside the ``booking`` blueprint (``api.blp``): same routes, same OpenAPI tag.
Who may open what: access.py; the rules: identity.py, handlers/identities.py, sign_in.py.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import principal, require
from chassis.problems import NotFound
from contracts import birthplaces
from services.booking import patient_schemas as s
from services.booking import schemas as booking_schemas
from services.booking.access import (
    STAFF,
    own_patient,
    require_at_the_desk,
    require_patient,
    staff,
)
from services.booking.documents import Appointment
from services.booking.handlers import identities, patients, sign_in

blp = Blueprint("patients", __name__)  # nested in the "booking" blueprint: its OpenAPI tag


# -- patients: identities and their appointments -------------------------------
@blp.route("/patients")
class Patients(MethodView):
    @blp.arguments(s.PatientQuery, location="query")
    @blp.response(200, s.PatientFound(many=True))
    def get(self, args):
        """Find a caller: by birth or used name (accents and case ignored) and birth date,
        or by phone (merged identities are found through the one they joined)."""
        require(*STAFF)
        return patients.search(args.get("family_name"), args.get("birth_date"), args.get("phone"))


@blp.route("/patients/<patient_id>")
class PatientOne(MethodView):
    @blp.response(200, s.PatientOut)
    def get(self, patient_id):
        """An identity: its traits, status and contact (staff of its sites; the patient's
        own account)."""
        own_patient(patient_id)  # 401 anonymous, 404 another patient's account
        who = staff()
        if who is not None:
            require_patient(who, patient_id)
        patient = patients.get(patient_id)  # 404 unknown
        patient.merged_identities = patients.group(patient_id)[1:]
        return patient


def _staff_on_patient(patient_id: str):
    who = require(*STAFF)
    require_patient(who, patient_id)
    return who, patients.get(patient_id)


@blp.route("/patients/<patient_id>/candidates")
class Candidates(MethodView):
    @blp.response(200, s.CandidateOut(many=True))
    def get(self, patient_id):
        """Other identities alike on the strict traits, for staff to judge (only staff merge)."""
        _, patient = _staff_on_patient(patient_id)
        return [
            {"patient": other, "level": how.level, "same": how.same, "different": how.different}
            for other, how in identities.candidates(patient)
        ]


@blp.route("/patients/<patient_id>/validate")
class Validate(MethodView):
    @blp.arguments(s.ValidateIn)
    @blp.response(200, s.PatientOut)
    def post(self, data, patient_id):
        """Validate the identity against a high-trust identity document seen at the desk
        (the patient's arrival noted there within the last hours)."""
        who, patient = _staff_on_patient(patient_id)
        require_at_the_desk(who, patient_id)
        validated = identities.validate(
            patient,
            who,
            document=data["document"],
            corrections=data["corrections"],
            sign_in=data["sign_in"],
            ins=data["ins"],
            confirm_new=data["confirm_new"],
        )
        sender = current_app.extensions["relais_code_sender"]
        sign_in.contact_moved(patient.sign_in, validated.sign_in, sender)
        return validated


@blp.route("/patients/<patient_id>/merge")
class Merge(MethodView):
    @blp.arguments(s.MergeIn)
    @blp.response(200, s.PatientOut)
    def post(self, data, patient_id):
        """This provisional identity is the same person as the validated one ``into``."""
        who, source = _staff_on_patient(patient_id)
        target = patients.get(data["into"])
        require_patient(who, target.id)
        require_at_the_desk(who, source.id, target.id)
        return identities.merge(source, target, who, data["reason"])


@blp.route("/patients/<patient_id>/unmerge")
class Unmerge(MethodView):
    @blp.arguments(s.UnmergeIn)
    @blp.response(200, s.PatientOut)
    def post(self, data, patient_id):
        """Undo this identity's merge: both stand apart again, as before."""
        who, source = _staff_on_patient(patient_id)
        return identities.unmerge(source, who, data["reason"])


@blp.route("/patients/<patient_id>/appointments")
class PatientAppointments(MethodView):
    @blp.response(200, booking_schemas.AppointmentOut(many=True))
    def get(self, patient_id):
        """A patient's appointments, latest first, with those of identities merged into it
        (staff: at their sites; the patient's own account: all of them)."""
        sites = own_patient(patient_id)
        patients.get(patient_id)  # 404 unknown
        query = {"patient_id__in": patients.group(patient_id)}
        if sites is not None:
            query["site_id__in"] = sorted(sites)
        return Appointment.objects(**query).order_by("-start")


# -- patients' sign-in (called by the gateway, which issues the token) -----------
@blp.route("/sign-in/codes")
class SignInCodes(MethodView):
    @blp.arguments(s.CodeRequestIn)
    @blp.response(202)
    def post(self, data):
        """Send a one-time code to an account's sign-in contact (the same answer whether or
        not the contact is an account's). The gateway's ``/auth/patient/code`` calls this."""
        _gateway_only()
        sign_in.request_code(data["contact"], current_app.extensions["relais_code_sender"])
        return {"message": "if this contact signs in to an account, a code is on its way"}


@blp.route("/sign-in/verify")
class SignInVerify(MethodView):
    @blp.arguments(s.CodeVerifyIn)
    @blp.response(200, s.SignedInOut)
    def post(self, data):
        """The patient a code opens. Internal: the gateway's ``/auth/patient/verify`` calls
        it and issues the token; the edge refuses it from outside."""
        _gateway_only()
        return {"patient_id": sign_in.verify(data["contact"], data["code"], data.get("patient_id"))}


def _gateway_only() -> None:
    """The sign-in paths answer the gateway's own token only; to anyone else, nothing is
    there (the edge does not forward them either)."""
    who = principal()
    if who is None or not who.is_gateway:
        raise NotFound("path", "")


@blp.route("/birth-places")
class BirthPlaces(MethodView):
    @blp.arguments(s.BirthPlaceArgs, location="query")
    @blp.response(200, s.BirthPlaceOut(many=True))
    def get(self, args):
        """Communes of birth by name (current and former communes of the Code officiel
        géographique), for the booking form's birth place."""
        return birthplaces.search(args["q"])
