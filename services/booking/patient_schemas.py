"""Request and response schemas of patients: identities, their checks and changes at the
desk, the sign-in, birth places (unknown fields refused)."""

from __future__ import annotations

from datetime import date

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from chassis.dates import Day
from chassis.names import PersonName, name_key
from chassis.phones import check_phone, normalise_phone
from contracts import birthplaces
from services.booking.identity import (
    DOCUMENTS,
    INS_OIDS,
    MERGE_REASONS,
    SEXES,
    UNMERGE_REASONS,
    matricule_problem,
)

Text = fields.String


PATIENT_ID = validate.Regexp(r"^pat-[0-9a-f]{16}$", error="a patient id (pat-…)")


def check_birth_place(value: str) -> None:
    if problem := birthplaces.problem(value):
        raise ValidationError(problem)


class TraitsIn(Schema):
    """A person's identity: the strict traits of identity vigilance, names beside them."""

    birth_name = PersonName(required=True, metadata={"description": "nom de naissance"})
    used_name = PersonName(
        load_default=None, allow_none=True, metadata={"description": "nom d'usage"}
    )
    first_given_name = PersonName(
        required=True, metadata={"description": "premier prénom de naissance"}
    )
    given_names = fields.List(
        PersonName(),
        validate=validate.Length(min=1, max=10),
        metadata={"description": "every given name at birth, in order, the first one first"},
    )
    used_given_name = PersonName(
        load_default=None, allow_none=True, metadata={"description": "prénom d'usage"}
    )
    birth_date = Day(required=True)
    sex = Text(
        required=True,
        validate=validate.OneOf(SEXES),
        metadata={"description": "f (féminin), m (masculin), i (indéterminé)"},
    )
    birth_place = Text(
        required=True,
        validate=check_birth_place,
        metadata={
            "description": "INSEE code of the commune of birth (GET /birth-places), or of the "
            "country (99 and 3 digits) for those born abroad; 99999 when not known"
        },
    )

    @validates("birth_date")
    def _born(self, value, **kwargs):
        if value > date.today() or value.year < 1900:
            raise ValidationError("not a plausible birth date")

    @validates_schema
    def _first_given_name_first(self, data, **kwargs):
        given = data.get("given_names")
        if given and "first_given_name" in data and given[0] != data["first_given_name"]:
            raise ValidationError("must begin with first_given_name", "given_names")


class PatientIn(TraitsIn):
    """A new person: their declared identity and how to reach them (contact, not identity)."""

    phone = Text(required=True, validate=validate.Length(max=30))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    has_gp = Text(load_default="unknown", validate=validate.OneOf(["yes", "no", "unknown"]))

    @validates("phone")
    def _phone(self, value, **kwargs):
        check_phone(value)

    @post_load
    def _normalise(self, data, **kwargs):
        data["phone"] = normalise_phone(data["phone"])
        return data


class PatientQuery(Schema):
    family_name = Text(
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "the beginning of a birth or used name (2 letters, or 1 with "
            "birth_date: a one-letter name can be searched too)"
        },
    )
    birth_date = Day()
    phone = Text(validate=validate.Length(max=30))

    @validates_schema
    def _some(self, data, **kwargs):
        if not data.get("phone") and not data.get("family_name"):
            raise ValidationError("search by family_name (and birth_date) or by phone")
        if "family_name" in data:  # what is searched is the name's key, not what was typed
            letters = len(name_key(data["family_name"]).replace(" ", ""))
            if letters < (1 if data.get("birth_date") else 2):
                raise ValidationError(
                    "at least 2 letters (1 with birth_date): punctuation is not searched",
                    "family_name",
                )

    @post_load
    def _phone(self, data, **kwargs):
        if data.get("phone"):
            data["phone"] = normalise_phone(data["phone"]) or data["phone"]
        return data


class ValidationOut(Schema):
    by = Text()
    role = Text()
    at = fields.AwareDateTime()
    document = Text()


class InsSchema(Schema):
    matricule = Text(required=True, metadata={"description": "matricule INS: 15 characters"})
    oid = Text(required=True, validate=validate.OneOf(list(INS_OIDS)))

    @validates("matricule")
    def _matricule(self, value, **kwargs):
        if problem := matricule_problem(value):
            raise ValidationError(problem)


class SignInContact(Schema):
    phone = Text(load_default=None, allow_none=True, validate=validate.Length(max=30))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))

    @validates("phone")
    def _phone(self, value, **kwargs):
        if value is not None:
            check_phone(value)

    @post_load
    def _normalise(self, data, **kwargs):
        if data.get("phone"):
            data["phone"] = normalise_phone(data["phone"])
        if data.get("email"):
            data["email"] = data["email"].lower()
        return data


class PatientBrief(Schema):
    """Who an identity is, and no more: what the identities alike show, at any site."""

    id = Text()
    identity_status = Text(metadata={"description": "provisional | validated"})
    birth_name = Text()
    used_name = Text(allow_none=True)
    first_given_name = Text()
    used_given_name = Text(allow_none=True)
    birth_date = fields.Date()
    sex = Text()
    birth_place_label = fields.Function(lambda p: birthplaces.label(p.birth_place))


class PatientFound(PatientBrief):
    """A search result: the brief identity and the phone the call centre checks with."""

    phone = Text()


class PatientOut(Schema):
    """The whole identity (staff of its sites, its own account)."""

    id = Text()
    identity_status = Text(metadata={"description": "provisional | validated"})
    birth_name = Text()
    used_name = Text(allow_none=True)
    first_given_name = Text()
    given_names = fields.List(Text())
    used_given_name = Text(allow_none=True)
    birth_date = fields.Date()
    sex = Text()
    birth_place = Text(allow_none=True)
    birth_place_label = fields.Function(lambda p: birthplaces.label(p.birth_place))
    validation = fields.Nested(ValidationOut, allow_none=True)
    ins = fields.Nested(InsSchema, allow_none=True)
    phone = Text()
    email = Text(allow_none=True)
    sign_in = fields.Nested(SignInContact, allow_none=True)
    has_gp = Text()
    legacy = fields.Boolean(
        metadata={"description": "taken over from before identities: check it holds one person"}
    )
    merged_into = Text(allow_none=True, metadata={"description": "the identity this one joined"})
    merged_identities = fields.List(
        Text(), metadata={"description": "GET /patients/{id}: the identities merged into this one"}
    )


class ValidateIn(Schema):
    document = Text(
        required=True,
        validate=validate.OneOf(list(DOCUMENTS)),
        metadata={"description": "the kind of high-trust identity document checked (no number)"},
    )
    corrections = fields.Nested(
        TraitsIn(partial=True),
        load_default=dict,
        metadata={"description": "traits as the identity document shows them"},
    )
    sign_in = fields.Nested(
        SignInContact,
        load_default=dict,
        metadata={"description": "where the patient's sign-in codes will go"},
    )
    ins = fields.Nested(InsSchema, load_default=None, allow_none=True)
    confirm_new = fields.Boolean(
        load_default=False,
        metadata={"description": "true: an identical identity on file is somebody else"},
    )


class MergeIn(Schema):
    into = Text(required=True, validate=PATIENT_ID)
    reason = Text(required=True, validate=validate.OneOf(list(MERGE_REASONS)))


class UnmergeIn(Schema):
    reason = Text(required=True, validate=validate.OneOf(list(UNMERGE_REASONS)))


class CandidateOut(Schema):
    patient = fields.Nested(PatientBrief)
    level = Text(metadata={"description": "exact | probable | possible"})
    same = fields.List(Text())
    different = fields.List(Text())


class BirthPlaceArgs(Schema):
    q = Text(required=True, validate=validate.Length(min=2, max=100))


class BirthPlaceOut(Schema):
    code = Text()
    name = Text()
    departement = Text()
    kind = Text()


class CodeRequestIn(Schema):
    contact = Text(
        required=True,
        validate=validate.Length(min=3, max=254),
        metadata={"description": "the e-mail (or phone) recorded when the identity was validated"},
    )


class CodeVerifyIn(CodeRequestIn):
    code = Text(required=True, validate=validate.Regexp(r"^\d{6}$", error="6 digits"))
    patient_id = Text(
        validate=PATIENT_ID,
        metadata={"description": "when the contact signs in for several people: which one"},
    )


class SignedInOut(Schema):
    patient_id = Text()
