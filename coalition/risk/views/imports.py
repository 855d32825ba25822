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

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer

from coalition.core import audit
from coalition.core.errors import ServiceError
from coalition.core.permissions import can_manage_table, can_view_case_data
from coalition.extensions import db
from coalition.risk import services as risk
from coalition.risk.forms_import import (
    DismissForm,
    ImportConfirmForm,
    ImportUploadForm,
    ReferralFilterForm,
)
from coalition.risk.models import REFERRAL_STATUSES, OutreachReferral
from coalition.risk.services.imports import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    ParseResult,
    clean_filename,
    rejection_message,
)
from coalition.risk.views import bp
from coalition.roster.models import CoalitionTable

SALT = "incident-import"
PREVIEW_VALID_LINES = 200  # valid lines shown in the preview; every invalid line is shown
CONFIRM_FORM_MAX = MAX_BYTES * 2  # the signed file in the confirm form (base64 of zlib data)
MAX_PAGE = 1_000_000


def _actor():
    return current_user._get_current_object()


@bp.url_value_preprocessor
def _allow_the_signed_file(endpoint, values):
    """The confirm form carries the whole file: allow it past the default form field limit
    (this runs before the CSRF check reads the form)."""
    if endpoint == "risk.incident_import_confirm":
        request.max_form_memory_size = CONFIRM_FORM_MAX


def _table_or_404(table_id: int) -> CoalitionTable:
    """A risk review table whose case data the viewer may see (seated there); else 404."""
    table = db.get_or_404(CoalitionTable, table_id)
    if table.kind != "risk_review" or not can_view_case_data(_actor(), table):
        abort(404)
    return table


def _managed_table(table_id: int) -> CoalitionTable:
    table = _table_or_404(table_id)
    if not can_manage_table(_actor(), table):
        abort(403)
    return table


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
    table = _managed_table(table_id)
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
    table = _managed_table(table_id)
    form = ImportConfirmForm()
    unsigned = _unsign(table, form.payload.data or "") if form.validate_on_submit() else None
    if unsigned is None:
        form = ImportUploadForm(formdata=None)
        form.form_errors.append("The confirmation could not be verified (it was altered or is "
                                "incomplete). Nothing was imported; upload the file again.")
        return render_template("risk/import.html", table=table, form=form, **_guide()), 400
    data, filename = unsigned
    try:
        batch = risk.import_incidents(_actor(), table, data=data, filename=filename)
    except risk.ImportRejected as error:
        db.session.rollback()
        result = error.result
        if not (result.lines or result.file_errors):  # a duplicate reached the database meanwhile
            result = risk.parse_incident_csv(data, table=table)
        if result.ok:
            return _rejected(table, error.message)
        return _render_preview(table, result, filename=filename, payload=None, status=400)
    db.session.commit()
    flash(f"{batch.row_count} referral{'' if batch.row_count == 1 else 's'} imported from "
          f"{batch.filename}.", "success")
    return redirect(url_for(".referral_list", table_id=table.id))


def _rejected(table, message: str):
    form = ImportUploadForm(formdata=None)
    form.form_errors.append(message)
    return render_template("risk/import.html", table=table, form=form, **_guide()), 400


# --- the referral list ---------------------------------------------------------------------

def _render_list(table, *, dismiss_forms: dict | None = None, errors: list[str] | None = None,
                 status: int = 200):
    viewer = _actor()
    filters = ReferralFilterForm(formdata=request.args)
    valid = filters.validate()
    page_number = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    page = db.paginate(risk.referral_query(table, filters.status.data if valid else "all"),
                       page=page_number, per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    may_manage = can_manage_table(viewer, table)
    forms = {referral.id: DismissForm(formdata=None, prefix=f"r{referral.id}")
             for referral in page.items if may_manage and referral.status == "open"}
    forms.update(dismiss_forms or {})
    body = render_template(
        "risk/referral_list.html", table=table, page=page, filters=filters,
        may_manage=may_manage, statuses=REFERRAL_STATUSES, errors=errors or [],
        dismiss_forms=forms)
    if page.items:  # after rendering: the commit expires what the page shows
        audit.log(viewer, "view", table,
                  summary=f"outreach referrals: {len(page.items)} shown (page {page.page})")
        db.session.commit()
    return body, (status if valid else 400)


@bp.get("/tables/<int:table_id>/referrals")
def referral_list(table_id: int):
    return _render_list(_table_or_404(table_id))


@bp.post("/tables/<int:table_id>/referrals/<int:referral_id>/dismiss")
def referral_dismiss(table_id: int, referral_id: int):
    table = _table_or_404(table_id)
    referral = db.get_or_404(OutreachReferral, referral_id)
    if referral.table_id != table.id:
        abort(404)
    if not can_manage_table(_actor(), table):
        abort(403)
    form = DismissForm(prefix=f"r{referral.id}")
    if form.validate_on_submit():
        try:
            risk.dismiss_referral(_actor(), referral, reason=form.reason.data)
        except ServiceError as error:
            db.session.rollback()
            if referral.status != "open":  # no form is shown for it: say so above the list
                return _render_list(table, errors=[error.message], status=400)
            form.reason.errors = [*form.reason.errors, error.message]
        else:
            db.session.commit()
            flash(f"Referral {referral.agency} {referral.incident_number} dismissed.", "success")
            return redirect(url_for(".referral_list", table_id=table.id,
                                    **request.args.to_dict()))
    return _render_list(table, dismiss_forms={referral.id: form}, status=400)
