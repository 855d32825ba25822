"""The dashboard, the health check and the reporting screen."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from coalition.core import web
from coalition.core.db import database_answers
from coalition.core.errors import ServiceError, apply_to_form
from coalition.core.fields import options
from coalition.core.localtime import local_today
from coalition.reporting import catalog, services, worker
from coalition.reporting.dashboard import dashboard_context
from coalition.reporting.forms import PreviewForm, ReportForm

bp = Blueprint("main", __name__)


@bp.route("/")
def dashboard():
    context = dashboard_context(web.actor())
    return render_template("main/dashboard.html", **context)


@bp.route("/healthz")
def healthz():
    if not database_answers():  # tell the load balancer
        current_app.logger.error("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


# --- reports ------------------------------------------------------------------------------------

def _report_form(form_class, data=None):
    form = form_class(data) if data is not None else form_class()
    available = catalog.reports()
    form.report.choices = options((r.key, r.title) for r in available)
    form.table_id.choices = options(
        ((t.id, f"{t.name} ({services.TABLE_KIND_NOUNS.get(t.kind, t.kind)})")
         for t in services.tables_for(available)), blank="Choose a table")
    if not form.year.raw_data:
        form.year.data = form.year.data or local_today().year
    return form, available


def _prepared(form):
    """The checked request of a valid form, or None with the refusal at its field."""
    if not form.validate():
        return None
    try:
        return services.prepare(web.actor(), report_key=form.report.data,
                                table_id=form.table_id.data, period_kind=form.period.data,
                                year=form.year.data, quarter=form.quarter.data,
                                start=form.start.data, end=form.end.data,
                                audience=form.audience.data)
    except ServiceError as error:
        apply_to_form(form, error)
        return None


def _screen(form, available, *, prepared=None, preview=None, status=200):
    response = make_response(render_template(
        "reporting/reports.html", form=form, reports=available, prepared=prepared,
        preview=preview, audiences=catalog.AUDIENCES,
        runs=services.recent_runs(web.actor())), status)
    return web.no_store(response)  # previews show counts


@bp.get("/reports")
def reports():
    """Choose a report, its table, period and audience; preview its key numbers."""
    asked = "report" in request.args
    form, available = _report_form(PreviewForm, request.args if asked else None)
    if not asked:
        return _screen(form, available)
    prepared = _prepared(form)
    if prepared is None:
        return _screen(form, available, status=422)
    try:
        preview = prepared.report.preview(services.build(web.actor(), prepared))
    except ServiceError as error:
        apply_to_form(form, error)
        return _screen(form, available, status=422)
    return _screen(form, available, prepared=prepared, preview=preview)


@bp.post("/reports/pdf")
def report_pdf():
    """Ask for a report's PDF: the run is recorded (and audited) and rendered off the request
    path; the browser goes to the run's page."""
    form, available = _report_form(ReportForm)
    prepared = _prepared(form)
    if prepared is None:
        return _screen(form, available, status=422)
    outcome = web.perform(lambda: services.request_run(web.actor(), prepared), form,
                          thing="report")
    if not outcome.ok:
        return _screen(form, available, status=web.form_status())
    worker.submit(outcome.value.id)
    return redirect(url_for(".report_run", run_id=outcome.value.id), code=303)


def _own_run(run_id: int):
    run = services.run_of(web.actor(), run_id)
    if run is None:
        abort(404)
    return run


@bp.get("/reports/runs/<int:run_id>")
def report_run(run_id: int):
    """A run's state; the page refreshes itself until the PDF is ready."""
    run = _own_run(run_id)
    response = make_response(render_template(
        "reporting/run.html", run=run, interrupted=services.interrupted(run),
        kept=services.run_file(run) is not None, audiences=catalog.AUDIENCES))
    return web.no_store(response)


@bp.get("/reports/runs/<int:run_id>/pdf")
def report_run_pdf(run_id: int):
    """The PDF of one's own run, while it is kept."""
    run = _own_run(run_id)
    path = services.run_file(run)
    if path is None:
        abort(404)
    return web.download(path.read_bytes(), run.file_name.split("-", 2)[-1], "application/pdf")
