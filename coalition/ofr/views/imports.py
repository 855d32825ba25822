"""Fatality review routes: importing deaths from a medical examiner's or vital-records export.

Upload → preview (map each column, filter by county and period; nothing saved, as often as
needed) → confirm. The file travels back in a hidden field, compressed, base64-encoded and
signed (salt ``deaths-import``), so every step reads and checks it again on the server rather
than trusting the browser; the confirm also carries a signed fingerprint of the mapping and
filter last previewed, so what is imported is what was shown. Then every case is created in one
transaction, or none. Pages show identifiers to the table's managers: never cached.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_wtf.file import FileField, FileRequired
from itsdangerous import BadData, URLSafeSerializer
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from coalition.core import web
from coalition.core.errors import ServiceError
from coalition.core.fields import Form, date_field, most, strip
from coalition.ofr.permissions import can_view_ofr_table
from coalition.ofr.services import imports
from coalition.ofr.services.deaths_fields import IGNORE
from coalition.ofr.views import bp
from coalition.roster.models import CoalitionTable
from coalition.roster.permissions import can_manage_table

SALT = "deaths-import"
PREVIEWED_SALT = "deaths-import-previewed"
FORM_MAX = 2 * imports.MAX_BYTES  # the upload, or the signed file (base64 of zlib data)
OVERHEAD = 256 * 1024  # the mapping, the filter and the multipart envelope
SHOWN_VALID = 200  # valid rows shown in the preview
SHOWN_INVALID = 500  # rows with problems shown in the preview
FILENAME_MAX = 255


@bp.url_value_preprocessor
def _allow_the_file(endpoint, values):
    """The upload, and the forms carrying the file back, may be larger than other requests
    (this runs before the CSRF check reads the form); a file over 5 MB but under the request
    limit is refused with its own message."""
    if endpoint in ("ofr.import_preview", "ofr.import_confirm"):
        request.max_content_length = FORM_MAX + OVERHEAD
        request.max_form_memory_size = FORM_MAX


class UploadForm(Form):
    file = FileField("CSV file of deaths", validators=[FileRequired("Choose the CSV file to "
                                                                    "import.")],
                     render_kw={"accept": ".csv,text/csv"},
                     description="Comma-separated, with a header row; at most 5 MB and "
                                 "10,000 rows. Nothing is saved until you confirm.")
    source = StringField("Source", filters=[strip], render_kw={"list": "known-sources"},
                         validators=[InputRequired("Name the source of the file (e.g. Alder "
                                                   "County Medical Examiner)."),
                                     most(imports.SOURCE_MAX)],
                         description="Who sent the file, e.g. Alder County Medical Examiner. "
                                     "Its column choices are remembered for its next file.")


class MappingForm(Form):
    payload = HiddenField()
    previewed = HiddenField()
    source = StringField("Source", filters=[strip],
                         validators=[InputRequired("Name the source of the file."),
                                     most(imports.SOURCE_MAX)])
    county = StringField("County", filters=[strip], validators=[Optional(), most(100)],
                         description="Only deaths whose county of death or of residence is "
                                     "this one, e.g. Alder County. Empty: every county.")
    date_from = date_field("Died on or after")
    date_to = date_field("Died on or before")


def _mapping_form(columns, substances, **kwargs) -> MappingForm:
    choices = [SelectChoice(value, label, optgroup=group)
               for value, label, group in imports.target_choices(substances)]

    class ColumnsForm(MappingForm):
        pass

    for column in columns:
        setattr(ColumnsForm, f"map_{column.index}", SelectField(
            column.name, choices=choices, default=IGNORE,
            invalid_choice_message="Choose from the list."))
    return ColumnsForm(**kwargs)


def _table(table_id: int) -> CoalitionTable:
    return web.load(CoalitionTable, table_id, view=can_view_ofr_table, act=can_manage_table)


def _page(template: str, status: int, **context):
    return web.no_store(make_response(render_template(template, **context), status))


# --- the signed file ---------------------------------------------------------------------------

def _serializer(salt: str = SALT) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=salt)


def _sign(table, data: bytes, filename: str) -> str:
    packed = base64.b64encode(zlib.compress(data, 6)).decode("ascii")
    return _serializer().dumps({"table": table.id, "filename": filename, "data": packed})


def _unsign(table, payload: str) -> tuple[bytes, str] | None:
    """The file and its name from a payload signed for this table, or None if altered."""
    try:
        content = _serializer().loads(payload)
        if not isinstance(content, dict) or content.get("table") != table.id:
            return None
        packed = base64.b64decode(content["data"], validate=True)
        data = zlib.decompressobj().decompress(packed, imports.MAX_BYTES + 1)
        return data, _filename(str(content.get("filename", "")))
    except (BadData, KeyError, TypeError, ValueError, binascii.Error, zlib.error):
        return None


def _filename(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    return name[:FILENAME_MAX] or "deaths.csv"


def _fingerprint(payload: str, source: str, mapping: dict[int, str], filters) -> str:
    text = json.dumps([payload, " ".join(source.split()).casefold(), sorted(mapping.items()),
                       filters.county, str(filters.date_from), str(filters.date_to)])
    return hashlib.sha256(text.encode()).hexdigest()


# --- pages -------------------------------------------------------------------------------------

def _guide() -> dict:
    return {"max_mb": imports.MAX_BYTES // (1024 * 1024), "max_rows": imports.MAX_ROWS,
            "sample_url": url_for("static", filename="samples/deaths_sample.csv")}


def _upload_page(table, form, status: int):
    return _page("ofr/import_upload.html", status, table=table, form=form, manage=True,
                 sources=imports.known_sources(table), **_guide())


def _refused(table, message: str):
    form = UploadForm(formdata=None)
    form.form_errors.append(message)
    return _upload_page(table, form, 400)


def _preview_page(table, form, columns, result, *, filename: str, message: str | None = None,
                  failed: bool = False):
    """The columns with their selects, the counts and the rows; 400 unless ready to import
    (or when the import just ``failed``: nothing was saved, the button offers to try again)."""
    errors = []
    for name, text in result.mapping_errors if result else ():
        if name and name in form:
            form[name].errors = [*form[name].errors, text]
        else:
            errors.append(text)
    ready = result is not None and result.ok and bool(form.previewed.data) and not form.errors
    if result is not None and not result.ok and message is None:
        message = imports.rejection_message(result)
    lines = result.lines if result else []
    invalid = [line for line in lines if not line.is_valid][:SHOWN_INVALID]
    valid = [line for line in lines if line.is_valid][:SHOWN_VALID]
    return _page("ofr/import_preview.html", 400 if failed or not ready else 200, table=table,
                 form=form, columns=columns, result=result, filename=filename, message=message,
                 errors=errors, ready=ready, failed=failed, manage=True,
                 shown_lines=sorted(invalid + valid, key=lambda line: line.line),
                 hidden_lines=len(lines) - len(invalid) - len(valid), **_guide())


def _check(table, deaths, form, mapping, filters, substances):
    result = imports.check_deaths(deaths, table=table, mapping=mapping, filters=filters,
                                  substances=substances)
    form.previewed.data = _serializer(PREVIEWED_SALT).dumps(
        _fingerprint(form.payload.data, form.source.data, mapping, filters)) if result.ok else ""
    return result


@bp.get("/tables/<int:table_id>/deaths/import")
def import_upload(table_id: int):
    table = _table(table_id)
    return _upload_page(table, UploadForm(formdata=None), 200)


@bp.post("/tables/<int:table_id>/deaths/import/preview")
def import_preview(table_id: int):
    table = _table(table_id)
    if "payload" in request.form:
        return _mapped(table, confirm=False)
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(table, form, 400)
    data = form.file.data.stream.read(imports.MAX_BYTES + 1)
    filename = _filename(form.file.data.filename or "")
    deaths = imports.read_deaths_file(data)
    try:
        source = imports.clean_source_name(form.source.data)
    except ServiceError as error:
        form.source.errors = [error.message]
        return _upload_page(table, form, 400)
    if deaths.file_errors:
        form.file.errors = [" ".join(deaths.file_errors) + " Nothing was imported."]
        return _upload_page(table, form, 400)
    substances = imports.substance_terms()
    mapping = imports.initial_mapping(table, deaths.columns, source, substances)
    form = _mapping_form(deaths.columns, substances, formdata=None, data={
        "payload": _sign(table, data, filename), "source": source,
        **{f"map_{index}": target for index, target in mapping.items()}})
    result = _check(table, deaths, form, mapping, imports.Filters(), substances)
    return _preview_page(table, form, deaths.columns, result, filename=filename)


@bp.post("/tables/<int:table_id>/deaths/import/confirm")
def import_confirm(table_id: int):
    return _mapped(_table(table_id), confirm=True)


def _mapped(table, *, confirm: bool):
    """The preview again with the posted mapping and filter, or (``confirm``) the import."""
    unsigned = _unsign(table, request.form.get("payload", ""))
    if unsigned is None:
        return _refused(table, "The file could not be verified (it was altered or is "
                               "incomplete). Nothing was imported; upload the file again.")
    data, filename = unsigned
    deaths = imports.read_deaths_file(data)
    if deaths.file_errors:
        return _refused(table, imports.rejection_message(imports.DeathsCheck(deaths)))
    substances = imports.substance_terms()
    form = _mapping_form(deaths.columns, substances)
    if not form.validate():
        form.previewed.data = ""
        return _preview_page(table, form, deaths.columns, None, filename=filename,
                             message="Correct the choices marked below; nothing was imported.")
    mapping = {column.index: form[f"map_{column.index}"].data for column in deaths.columns}
    filters = imports.Filters(form.county.data or "", form.date_from.data, form.date_to.data)
    previewed = _is_previewed(form, mapping, filters)
    if not confirm or not previewed:
        result = _check(table, deaths, form, mapping, filters, substances)
        message = None if not confirm or not result.ok else (
            "The columns, the source or the filter changed since the last check: look at the "
            "rows below, then import.")
        return _preview_page(table, form, deaths.columns, result, filename=filename,
                             message=message)
    source = form.source.data
    outcome = web.perform(lambda: imports.import_deaths(
        web.actor(), table, data=data, source_name=source, mapping=mapping, filters=filters),
        form)
    if outcome.ok:
        done = outcome.value
        flash(f"{done.count} death{'' if done.count == 1 else 's'} imported as new cases"
              + (f" ({done.skipped} outside the filter skipped)." if done.skipped else "."),
              "success")
        return redirect(url_for("ofr.case_list", table_id=table.id))
    message = outcome.error.message
    form.form_errors[:] = [error for error in form.form_errors if error != message]
    result = _check(table, deaths, form, mapping, filters, substances)
    return _preview_page(table, form, deaths.columns, result, filename=filename,
                         message=message, failed=True)


def _is_previewed(form, mapping, filters) -> bool:
    try:
        seen = _serializer(PREVIEWED_SALT).loads(form.previewed.data or "")
    except BadData:
        return False
    return seen == _fingerprint(form.payload.data, form.source.data, mapping, filters)
