"""The records blueprint, with the audit trail's safety net installed on it."""

from flask_smorest import Blueprint

from services.records import audit

blp = Blueprint("records", __name__, url_prefix="/", description="Continuous medical records.")
audit.install(blp)
