"""Login, refresh, the patients' tokens, and the JWKS of the built-in issuer.

Patients get two kinds of token, each 15 minutes, neither ever from what they
typed about themselves:

- ``/auth/patient`` (reference + manage token): a token for that one
  appointment (scope ``appointment``), nothing more;
- ``/auth/patient/code`` then ``/auth/patient/verify`` (a one-time code sent to
  the contact staff recorded when they validated the identity): a token of the
  patient's account (scope ``account``, subject = their patient id), for their
  appointments, record, its FHIR export and access log.

Under an external OIDC issuer the gateway signs nothing: each of these answers
404 with the code ``built_in_login_off`` and the issuer to get a token from.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate

from chassis.auth import GATEWAY_CALL, ONE_APPOINTMENT, PATIENT_ACCOUNT
from chassis.problems import Problem
from gateway.auth.accounts import (
    LoginFailed,
    LoginThrottled,
    authenticate,
    issue_refresh,
    rotate_refresh,
)
from gateway.auth.keys import jwk


class BuiltInLoginOff(Problem):
    status = 404


class LoginIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=validate.Length(min=1, max=500))


class RefreshIn(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=10, max=200))


class PatientIn(Schema):
    reference = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}-[0-9A-Z]{4}$"))
    token = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{10,100}$", error="a manage code")
    )


class CodeIn(Schema):
    contact = fields.String(required=True, validate=validate.Length(min=3, max=254))


class VerifyIn(CodeIn):
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="6 digits"))
    patient_id = fields.String(validate=validate.Regexp(r"^pat-[0-9a-f]{16}$"))


PATIENT_TTL = 900


def _body(schema: Schema) -> dict:
    try:
        return schema.load(request.get_json(silent=True) or {})
    except ValidationError as exc:
        abort(422, message="Invalid input.", errors={"json": exc.messages})


def _booking(path: str, body: dict) -> tuple[int, dict]:
    """Booking's answer to the gateway's own call, passed on in the one error shape."""
    state = current_app.extensions["relais_gateway"]
    # booking answers its sign-in paths to the gateway only: a token of its own, for a moment
    mine = state.issuer.issue("relais-gateway", "patient", ttl=30, relais_scope=GATEWAY_CALL)
    headers = {"X-Request-Id": g.get("request_id") or "", "Authorization": f"Bearer {mine}"}
    status, answer = state.call("booking", path, headers, method="POST", body=body)
    if status >= 500 and not answer:
        abort(502, message="the booking service did not answer")
    return status, answer


def _patient_token(token: str, scope: str, **extra) -> dict:
    body = {"access_token": token, "token_type": "Bearer", "expires_in": PATIENT_TTL}
    return {**body, "role": "patient", "scope": scope, **extra}


def _tokens(account) -> dict:
    state = current_app.extensions["relais_gateway"]
    claims = {"sites": account.sites, "name": account.display_name}
    access = state.issuer.issue(
        account.subject, account.role, ttl=int(state.settings.access_ttl.total_seconds()), **claims
    )
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": int(state.settings.access_ttl.total_seconds()),
        "refresh_token": issue_refresh(account, state.settings.refresh_ttl),
        "role": account.role,
        "sites": account.sites,
        "name": account.display_name,
        "subject": account.subject,
    }


def blueprint(limiter) -> Blueprint:
    bp = Blueprint("auth", __name__)

    def built_in_only():
        settings = current_app.extensions["relais_gateway"].settings
        if not settings.built_in_login:
            raise BuiltInLoginOff(
                "built_in_login_off",
                "the built-in login is off: get a token from the identity provider "
                f"{settings.oidc_issuer}",
                issuer=settings.oidc_issuer,
            )

    @bp.post("/auth/login")
    @limiter.limit(lambda: current_app.extensions["relais_gateway"].settings.login_limit)
    def login():
        built_in_only()
        data = _body(LoginIn())
        try:
            account = authenticate(data["username"], data["password"])
        except LoginThrottled as wait:
            abort(
                429,
                message=f"too many wrong passwords for this login: wait {wait.retry_after} s",
                code="login_throttled",
                retry_after=wait.retry_after,
                headers={"Retry-After": str(wait.retry_after)},
            )
        except LoginFailed:
            abort(401, message="wrong username or password")
        return jsonify(_tokens(account))

    @bp.post("/auth/refresh")
    @limiter.limit(lambda: current_app.extensions["relais_gateway"].settings.login_limit)
    def refresh():
        built_in_only()
        data = _body(RefreshIn())
        state = current_app.extensions["relais_gateway"]
        try:
            account, new_refresh = rotate_refresh(data["refresh_token"], state.settings.refresh_ttl)
        except LoginFailed:
            abort(401, message="this refresh token is not valid (used, expired or revoked)")
        tokens = _tokens(account)
        tokens["refresh_token"] = new_refresh
        return jsonify(tokens)

    @bp.post("/auth/patient")
    @limiter.limit(lambda: current_app.extensions["relais_gateway"].settings.login_limit)
    def patient():
        """A token for one appointment, from its reference and manage token: it opens that
        appointment and nothing of the patient's."""
        built_in_only()
        data = _body(PatientIn())
        state = current_app.extensions["relais_gateway"]
        if not state.opens(data["reference"], data["token"]):
            abort(401, message="unknown reference or token")
        token = state.issuer.issue(
            data["reference"],
            "patient",
            ttl=PATIENT_TTL,
            relais_scope=ONE_APPOINTMENT,
            reference=data["reference"],
        )
        return jsonify(_patient_token(token, ONE_APPOINTMENT, reference=data["reference"]))

    @bp.post("/auth/patient/code")
    @limiter.limit(lambda: current_app.extensions["relais_gateway"].settings.code_limit)
    def patient_code():
        """Ask for a one-time sign-in code (sent to the contact recorded at validation)."""
        built_in_only()
        data = _body(CodeIn())
        status, body = _booking("/sign-in/codes", data)
        return jsonify(body), status

    @bp.post("/auth/patient/verify")
    @limiter.limit(lambda: current_app.extensions["relais_gateway"].settings.login_limit)
    def patient_verify():
        """A token of the patient's account, for a right code (once)."""
        built_in_only()
        data = _body(VerifyIn())
        status, body = _booking("/sign-in/verify", data)
        if status != 200:
            return jsonify(body), status
        state = current_app.extensions["relais_gateway"]
        patient_id = body["patient_id"]
        token = state.issuer.issue(
            patient_id, "patient", ttl=PATIENT_TTL, relais_scope=PATIENT_ACCOUNT
        )
        return jsonify(_patient_token(token, PATIENT_ACCOUNT, subject=patient_id))

    @bp.get("/.well-known/jwks.json")
    def jwks():
        built_in_only()  # the identity provider publishes the keys that count
        state = current_app.extensions["relais_gateway"]
        return jsonify(keys=[jwk(state.issuer.private_key)])

    return bp
