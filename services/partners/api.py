"""HTTP views of the partners service (operators only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.auth import require
from services.partners import handlers
from services.partners.documents import Partner

blp = Blueprint("partners", __name__, url_prefix="/", description="Partner subscriptions.")


class PartnerIn(Schema):
    name = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,40}$"))
    bindings = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        required=True,
        validate=validate.Length(min=1, max=20),
    )


class PartnerOut(Schema):
    name = fields.String(attribute="id")
    bindings = fields.List(fields.String())
    queue = fields.String()
    broker_user = fields.String()
    created_at = fields.AwareDateTime()
    queue_depth = fields.Integer(allow_none=True)


def _settings() -> handlers.PartnerSettings:
    return current_app.extensions["relais_partners"]


def connection_details(settings: handlers.PartnerSettings, partner, password: str) -> dict:
    url = urlsplit(settings.bus.url)
    return {
        "name": partner.id,
        "bindings": partner.bindings,
        "queue": partner.queue,
        "username": partner.broker_user,
        "password": password,
        "host": url.hostname or "localhost",
        "port": url.port or 5672,
        "vhost": settings.vhost,  # the one its permissions and queue are on
        "note": "the password is shown once: keep it now",
    }


@blp.route("/partners")
class Partners(MethodView):
    @blp.response(200, PartnerOut(many=True))
    def get(self):
        require("operator")
        partners = list(Partner.objects.order_by("id"))
        for partner in partners:
            partner.queue_depth = handlers.queue_depth(_settings(), partner)
        return partners

    @blp.arguments(PartnerIn)
    def post(self, data):
        """Create a partner: a broker user reading only its own queue, bound to public events."""
        require("operator")
        partner, password = handlers.add(_settings(), data["name"], data["bindings"])
        return connection_details(_settings(), partner, password), 201


@blp.route("/partners/<name>")
class PartnerOne(MethodView):
    @blp.response(204)
    def delete(self, name):
        require("operator")
        handlers.remove(_settings(), name)


@blp.route("/partners/<name>/rotate-password")
class Rotate(MethodView):
    def post(self, name):
        require("operator")
        password = handlers.rotate_password(_settings(), name)
        return connection_details(_settings(), handlers.get(name), password)
