"""Rendering report runs off the request path.

WeasyPrint takes about a tenth of a second per page (``bench/reports.py``): a long report would
hold a web worker for seconds. The request records the run and hands its id to a small thread
pool of the process (``REPORT_RENDERING = "thread"``, the default); the browser is sent to the
run's page, which refreshes itself until the PDF is ready. With ``"inline"`` the run is rendered
before the response (tests, a single-user install).

A run is rendered like a command-line job: in its own application context and its own
transaction, committed here. The user's rights are checked again when it starts.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from coalition.core import pdf
from coalition.core.db import utcnow
from coalition.core.errors import ServiceError
from coalition.core.files import private_folder, write_private
from coalition.core.models import User
from coalition.extensions import db
from coalition.reporting import services
from coalition.reporting.models import ReportRun

_pool: ThreadPoolExecutor | None = None


def submit(run_id: int) -> None:
    app = current_app._get_current_object()
    if app.config["REPORT_RENDERING"] == "inline":
        render(run_id)
        return
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")
    _pool.submit(_render_in, app, run_id)


def _render_in(app, run_id: int) -> None:
    with app.app_context():
        try:
            render(run_id)
        finally:
            db.session.remove()


def render(run_id: int) -> None:
    run = db.session.get(ReportRun, run_id)
    if run is None or run.status != "queued":
        return
    run.status = "running"
    db.session.commit()
    try:
        user = db.session.get(User, run.user_id)
        if user is None or not user.is_active:
            raise ServiceError("The account that asked for this report is no longer active.")
        request = services.request_of(user, run)
        data, pages = pdf.render_counted(request.report.template,
                                         services.build(user, request))
        name = services.file_name(run, request)
        private_folder(services.reports_folder())
        write_private(services.reports_folder() / name, data)
        run.file_name, run.status = name, "done"
        run.pages = pages
        services.log_generation(user, request, run)
    except ServiceError as error:
        db.session.rollback()
        run = db.session.get(ReportRun, run_id)
        run.status, run.error = "failed", error.message
    except Exception:  # noqa: BLE001 - the run says it failed; the log has the details
        current_app.logger.exception("report run %s failed", run_id)
        db.session.rollback()
        run = db.session.get(ReportRun, run_id)
        run.status, run.error = "failed", "The report could not be prepared; the error is logged."
    run.finished_at = utcnow()
    db.session.commit()
