"""Login, refresh, the patient token, and the JWKS of the built-in issuer.

Under an external OIDC issuer the gateway signs nothing: each of these answers
404 with the code ``built_in_login_off`` and the issuer to get a token from.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate

from chassis.problems import Problem
from gateway.auth.accounts import LoginFailed, authenticate, issue_refresh, rotate_refresh
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
    token = fields.String(required=True, validate=validate.Length(min=10, max=100))


def _body(schema: Schema) -> dict:
    try:
        return schema.load(request.get_json(silent=True) or {})
    except ValidationError as exc:
        abort(422, message="Invalid input.", errors={"json": exc.messages})


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
        """A patient's short-lived token, from their appointment reference and manage token."""
        built_in_only()
        data = _body(PatientIn())
        state = current_app.extensions["relais_gateway"]
        patient_id = state.patient_of(data["reference"], data["token"])
        if patient_id is None:
            abort(401, message="unknown reference or token")
        token = state.issuer.issue(patient_id, "patient", ttl=900, reference=data["reference"])
        body = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 900,
            "role": "patient",
            "subject": patient_id,
        }
        return jsonify(body)

    @bp.get("/.well-known/jwks.json")
    def jwks():
        built_in_only()  # the identity provider publishes the keys that count
        state = current_app.extensions["relais_gateway"]
        return jsonify(keys=[jwk(state.issuer.private_key)])

    return bp
