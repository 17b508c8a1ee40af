"""Request and response schemas of the planner API (marshmallow; unknown fields refused)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.roster.domain import IsoWeek, weeks_between
from services.roster.schemas import SLUG, Week

MAX_WEEKS = 60


class PlanIn(Schema):
    first = Week(data_key="from", required=True)
    last = Week(data_key="to", required=True)
    site_ids = fields.List(fields.String(validate=SLUG), validate=validate.Length(min=1, max=2000))
    seconds = fields.Integer(load_default=20, validate=validate.Range(1, 120))

    @validates_schema
    def _range(self, data, **kwargs):
        first, last = IsoWeek.parse(data["first"]), IsoWeek.parse(data["last"])
        if last < first:
            raise ValidationError("must not be before from", "to")
        if len(weeks_between(first, last)) > MAX_WEEKS:
            raise ValidationError(f"at most {MAX_WEEKS} weeks at a time", "to")


class ProposalOut(Schema):
    id = fields.String()
    site_id = fields.String()
    site_name = fields.String()
    week = fields.String()
    doctor_id = fields.String()
    doctor_name = fields.String()
    offer_ids = fields.List(fields.String())
    continuity = fields.Boolean()
    preferred = fields.Boolean()
    state = fields.String()
    assignment_id = fields.String(allow_none=True)
    refusal = fields.Dict()


class PlanGapOut(Schema):
    site_id = fields.String()
    site_name = fields.String()
    week = fields.String()
    reason = fields.String()


class PlanSummaryOut(Schema):
    """A plan in a list: no proposals, no gaps."""

    id = fields.String()
    status = fields.String()
    site_ids = fields.List(fields.String())
    weeks = fields.List(fields.String())
    created_at = fields.DateTime()
    result = fields.Dict()


class PlanOut(PlanSummaryOut):
    time_limit = fields.Integer()
    requested_by = fields.String()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    error = fields.String(allow_none=True)
    proposals = fields.List(fields.Nested(ProposalOut))
    gaps = fields.List(fields.Nested(PlanGapOut))


class PlanConfirmIn(Schema):
    proposal_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=20)),
        validate=validate.Length(min=1, max=5000),
    )


class ConfirmationOut(Schema):
    proposal_id = fields.String()
    site_id = fields.String()
    week = fields.String()
    doctor_id = fields.String()
    status = fields.Integer()
    assignment_id = fields.String()
    code = fields.String()
    message = fields.String()
    reason = fields.String()
    conflict = fields.Dict()


class PlanConfirmOut(Schema):
    plan_id = fields.String()
    confirmed = fields.Integer()
    refused = fields.Integer()
    results = fields.List(fields.Nested(ConfirmationOut))
