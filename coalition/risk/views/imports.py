"""Risk review routes: importing overdose incident reports (CSV) as outreach referrals, and the
referral list with its dismiss action.

Upload → preview (nothing saved) → confirm. The confirm form carries the file itself, compressed,
base64-encoded and signed (salt ``incident-import``), so the server parses and validates it again
rather than trusting anything the browser sends back; then every row is inserted in one
transaction, or none.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf as csrf_token
from itsdangerous import BadData, URLSafeSerializer
from markupsafe import Markup, escape

from coalition.core import web
from coalition.core.links import RowLinks
from coalition.risk import services as risk
from coalition.risk.forms_import import (
    DismissForm,
    ImportConfirmForm,
    ImportUploadForm,
    ReferralFilterForm,
)
from coalition.risk.models import OutreachReferral
from coalition.risk.services.imports import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    REASON_MAX,
    ParseResult,
    clean_filename,
    rejection_message,
)
from coalition.risk.views import bp
from coalition.risk.views.board import risk_table
from coalition.risk.views.referral_rows import referral_rows
from coalition.roster.models import CoalitionTable
from coalition.roster.permissions import can_manage_table

SALT = "incident-import"
PREVIEW_VALID_LINES = 200  # valid lines shown in the preview; every invalid line is shown
CONFIRM_FORM_MAX = MAX_BYTES * 2  # the signed file in the confirm form (base64 of zlib data)
UPLOAD_OVERHEAD = 64 * 1024  # the form's other fields and the multipart envelope


@bp.url_value_preprocessor
def _allow_the_file(endpoint, values):
    """The upload, and the confirm form that carries the whole file back, may be larger than
    other requests (this runs before the CSRF check reads the form)."""
    if endpoint == "risk.incident_import":
        request.max_content_length = MAX_BYTES + UPLOAD_OVERHEAD
    elif endpoint == "risk.incident_import_confirm":
        request.max_content_length = CONFIRM_FORM_MAX + UPLOAD_OVERHEAD
        request.max_form_memory_size = CONFIRM_FORM_MAX


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def _sign(table: CoalitionTable, data: bytes, filename: str) -> str:
    packed = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    return _serializer().dumps({"table": table.id, "filename": filename, "data": packed})


def _unsign(table: CoalitionTable, payload: str) -> tuple[bytes, str] | None:
    """The file and its name from a signed payload of this table, or None if it was altered."""
    try:
        content = _serializer().loads(payload)
        if not isinstance(content, dict) or content.get("table") != table.id:
            return None
        packed = content["data"]
        decompressor = zlib.decompressobj()
        data = decompressor.decompress(base64.b64decode(packed, validate=True), MAX_BYTES + 1)
        return data, clean_filename(str(content.get("filename", "")))
    except (BadData, KeyError, TypeError, ValueError, binascii.Error, zlib.error):
        return None


def _guide() -> dict:
    return {"columns": COLUMNS, "max_mb": MAX_BYTES // (1024 * 1024), "max_rows": MAX_ROWS,
            "sample_url": url_for("static", filename="samples/overdose_incidents_sample.csv")}


def _render_preview(table, result: ParseResult, *, filename: str, payload: str | None,
                    status: int):
    invalid = [line for line in result.lines if not line.is_valid]
    valid = [line for line in result.lines if line.is_valid][:PREVIEW_VALID_LINES]
    shown = sorted(invalid + valid, key=lambda line: line.line)
    return render_template(
        "risk/import_preview.html", table=table, result=result, filename=filename,
        shown_lines=shown, hidden_valid=result.valid_count - len(valid),
        confirm_form=ImportConfirmForm(formdata=None, data={"payload": payload})
        if payload else None,
        message=None if result.ok else rejection_message(result),
        upload_form=ImportUploadForm(formdata=None), **_guide()), status


@bp.route("/tables/<int:table_id>/incidents/import", methods=["GET", "POST"])
def incident_import(table_id: int):
    table = risk_table(table_id, act=can_manage_table)
    form = ImportUploadForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("risk/import.html", table=table, form=form, **_guide()), status
    upload = form.file.data
    data = upload.stream.read(MAX_BYTES + 1)
    filename = clean_filename(upload.filename or "")
    result = risk.parse_incident_csv(data, table=table)
    payload = _sign(table, data, filename) if result.ok else None
    return _render_preview(table, result, filename=filename, payload=payload,
                           status=200 if result.ok else 400)


@bp.post("/tables/<int:table_id>/incidents/import/confirm")
def incident_import_confirm(table_id: int):
    table = risk_table(table_id, act=can_manage_table)
    form = ImportConfirmForm()
    unsigned = _unsign(table, form.payload.data or "") if form.validate_on_submit() else None
    if unsigned is None:
        form = ImportUploadForm(formdata=None)
        form.form_errors.append("The confirmation could not be verified (it was altered or is "
                                "incomplete). Nothing was imported; upload the file again.")
        return render_template("risk/import.html", table=table, form=form, **_guide()), 400
    data, filename = unsigned
    outcome = web.perform(lambda: risk.import_incidents(web.actor(), table, data=data,
                                                        filename=filename))
    if not outcome.ok:
        error = outcome.error
        result = getattr(error, "result", None) or risk.ParseResult()
        if not (result.lines or result.file_errors):  # a duplicate reached the database meanwhile
            result = risk.parse_incident_csv(data, table=table)
        if result.ok:
            return _rejected(table, error.message)
        return _render_preview(table, result, filename=filename, payload=None, status=400)
    batch = outcome.value
    flash(f"{batch.row_count} referral{'' if batch.row_count == 1 else 's'} imported from "
          f"{batch.filename}.", "success")
    return redirect(url_for(".referral_list", table_id=table.id))


def _rejected(table, message: str):
    form = ImportUploadForm(formdata=None)
    form.form_errors.append(message)
    return render_template("risk/import.html", table=table, form=form, **_guide()), 400


# --- the referral list ---------------------------------------------------------------------

_OPEN_ACTIONS = """\
<a class="btn btn-sm btn-primary mb-1" href="{new_url}">Make a situation<span \
class="visually-hidden"> from {agency} incident {number}</span></a>
          <form method="post" action="{dismiss_url}" class="d-flex flex-wrap gap-1 \
align-items-start" novalidate>
            <input type="hidden" name="csrf_token" value="{token}">
            <div>
              <label class="visually-hidden" for="{reason_id}">Reason for dismissing {agency} \
incident {number}</label>
              <input{invalid} class="form-control form-control-sm{invalid_class}" \
id="{reason_id}" maxlength="{reason_max}" name="{reason_id}" placeholder="Reason" required \
type="text" value="{value}">{error}
            </div>
            <button type="submit" class="btn btn-sm btn-outline-danger">Dismiss</button>
          </form>"""
_REASON_ERROR = """
              <div id="{reason_id}-error" class="invalid-feedback d-block">{errors}</div>"""


class OpenReferralActions:
    """An open referral's actions on the list (make a situation, or dismiss with a reason):
    what is the same on every row (the token, the markup, the links) is written once per page,
    the row's id, agency and incident number filled in. The dismiss field is that of a
    ``DismissForm`` prefixed ``r<id>``; ``dismiss_forms`` holds a form sent back with an error
    (its value and message are shown)."""

    def __init__(self, table, dismiss_forms: dict):
        self.situation_from = RowLinks("risk.situation_new", "referral", table_id=table.id)
        self.dismiss_link = RowLinks("risk.referral_dismiss", "referral_id", table_id=table.id,
                                     **request.args.to_dict())
        self.token = escape(csrf_token())
        self.dismiss_forms = dismiss_forms

    def __call__(self, referral) -> Markup:
        reason_id = f"r{int(referral.id)}-reason"
        form = self.dismiss_forms.get(referral.id)
        errors = form.reason.errors if form else []
        return Markup(_OPEN_ACTIONS.format(  # noqa: S704 - every value is escaped here
            new_url=escape(self.situation_from(referral.id)),
            dismiss_url=escape(self.dismiss_link(referral.id)), token=self.token,
            agency=escape(referral.agency), number=escape(referral.incident_number),
            reason_id=reason_id, reason_max=REASON_MAX,
            invalid=f' aria-describedby="{reason_id}-error" aria-invalid="true"' if errors
            else "", invalid_class=" is-invalid" if errors else "",
            value=escape((form.reason.data or "") if form else ""),
            error=_REASON_ERROR.format(reason_id=reason_id, errors=escape(" ".join(errors)))
            if errors else ""))


def _render_list(table, *, dismiss_forms: dict | None = None, errors: list[str] | None = None,
                 status: int = 200):
    viewer = web.actor()
    filters = ReferralFilterForm(formdata=request.args)
    valid = filters.validate()
    page = web.paginate(risk.referral_statement(filters.status.data if valid else "all"),
                        rows=True, params={"table_id": table.id})
    may_manage = can_manage_table(viewer, table)
    open_actions = OpenReferralActions(table, dismiss_forms or {}) if may_manage else None
    body = render_template(
        "risk/referral_list.html", table=table, page=page, filters=filters,
        may_manage=may_manage, errors=errors or [],
        open_actions=open_actions, referral_rows=referral_rows)
    if page.items:  # after rendering: the commit expires what the page shows
        web.perform(lambda: risk.log_referrals_read(viewer, table, len(page.items), page.page))
    return web.no_store(make_response(body, status if valid else 400))


@bp.get("/tables/<int:table_id>/referrals")
def referral_list(table_id: int):
    return _render_list(risk_table(table_id))


@bp.post("/tables/<int:table_id>/referrals/<int:referral_id>/dismiss")
def referral_dismiss(table_id: int, referral_id: int):
    table = risk_table(table_id)
    referral = web.child_of(OutreachReferral, referral_id, "table_id", table.id)
    web.require(can_manage_table(web.actor(), table))
    form = DismissForm(prefix=f"r{referral.id}")
    if form.validate_on_submit():
        outcome = web.perform(lambda: risk.dismiss_referral(web.actor(), referral,
                                                            reason=form.reason.data), form)
        if outcome.ok:
            flash(f"Referral {referral.agency} {referral.incident_number} dismissed.", "success")
            return redirect(url_for(".referral_list", table_id=table.id,
                                    **request.args.to_dict()))
        if referral.status != "open":  # no form is shown for it: say so above the list
            return _render_list(table, errors=[outcome.error.message], status=400)
    return _render_list(table, dismiss_forms={referral.id: form}, status=400)
