"""HTTP views of the directory: search the book of correspondents, keep it up to date.

Staff search it (doctors above all); the centre adds local entries, practical
details and notes; operators import the public files (an upload, streamed).
"""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from chassis.auth import require
from chassis.bodies import large_body
from chassis.outbox import notify
from services.directory import handlers
from services.directory import schemas as s
from services.directory.importing.importer import NotADirectoryFile, import_file

blp = Blueprint("directory", __name__, url_prefix="/", description="The book of correspondents.")

STAFF = ("agent", "coordinator", "doctor", "operator")
EDITORS = ("coordinator", "doctor", "operator")


@blp.route("/correspondents")
class Correspondents(MethodView):
    @blp.arguments(s.SearchArgs, location="query")
    @blp.response(200, s.CorrespondentOut(many=True))
    def get(self, args):
        """Search by specialty or category, words of the name (accents and case ignored),
        and distance from a site or a point (nearest first), one page at a time."""
        require(*STAFF)
        return handlers.search(args)

    @blp.arguments(s.CorrespondentIn)
    @blp.response(201, s.CorrespondentOut)
    def post(self, data):
        """Add a correspondent that no public file lists."""
        who = require(*EDITORS)
        return handlers.add_local(data, who.subject)


@blp.route("/correspondents/<correspondent_id>")
class CorrespondentOne(MethodView):
    @blp.response(200, s.CorrespondentOut)
    def get(self, correspondent_id):
        require(*STAFF)
        return handlers.get(correspondent_id)

    @blp.arguments(s.PracticalIn)
    @blp.response(200, s.CorrespondentOut)
    def patch(self, changes, correspondent_id):
        """Practical details the centre learns: hours, new patients, delay, MSSanté."""
        require(*EDITORS)
        return handlers.update_practical(correspondent_id, changes)


@blp.route("/correspondents/<correspondent_id>/notes")
class Notes(MethodView):
    @blp.arguments(s.NoteIn)
    @blp.response(201, s.CorrespondentOut)
    def post(self, data, correspondent_id):
        """A local note (never published, kept when the public files are imported again)."""
        who = require(*EDITORS)
        return handlers.add_note(correspondent_id, data["text"], who.subject)


@blp.route("/rpps/<rpps>")
class Verify(MethodView):
    @blp.response(200, s.RppsOut)
    def get(self, rpps):
        """Is this RPPS number known to the directory, and with which profession?"""
        require(*STAFF)
        if not rpps.isdigit() or len(rpps) != 11:
            abort(
                422, message="an RPPS number is 11 digits", errors={"path": {"rpps": ["11 digits"]}}
            )
        return handlers.verify_rpps(rpps)


IMPORT_BYTES = 2 * 1024**3  # the full public extraction, streamed


@blp.route("/imports/<kind>")
class Imports(MethodView):
    @large_body(IMPORT_BYTES)
    @blp.arguments(s.ImportArgs, location="query")
    @blp.response(201, s.ReportOut)
    def post(self, args, kind):
        """Import an RPPS (``|``) or FINESS (``;``) extraction, uploaded as ``file``."""
        require("operator")
        if kind not in ("rpps", "finess"):
            abort(404, message="import kinds are rpps and finess")
        upload = request.files.get("file")
        if upload is None:
            abort(
                422,
                message="send the file as multipart field 'file'",
                errors={"files": {"file": ["Missing data for required field."]}},
            )
        try:
            report = import_file(
                kind,
                upload.stream,
                departements=args["departement"],
                source=upload.filename or "upload",
            )
        except NotADirectoryFile as exc:
            abort(415, message=f"{exc}: upload the {kind.upper()} extraction as text")
        notify("directory")
        return report
