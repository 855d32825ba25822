"""Generating a report from the catalog: check that it fits the table and that the user may
print it for that audience, build its context, record the run that
:mod:`coalition.reporting.worker` renders off the request path, and the audit row of each PDF
generated."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select

from coalition.core import audit
from coalition.core.db import utcnow
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.suppression import Policy, SuppressionError
from coalition.extensions import db
from coalition.reporting import catalog, periods
from coalition.reporting.models import ReportRun
from coalition.roster.models import CoalitionTable

TABLE_KIND_NOUNS = {"coalition": "coalition table", "ofr": "fatality review table",
                    "risk_review": "risk review table"}


@dataclass(frozen=True)
class Request:
    report: catalog.Report
    table: CoalitionTable
    period: periods.Period
    audience: str


def tables_for(reports: list[catalog.Report]) -> list[CoalitionTable]:
    kinds = set().union(*(r.table_kinds for r in reports)) if reports else set()
    return [t for t in db.session.scalars(
        db.select(CoalitionTable).where(CoalitionTable.kind.in_(kinds), CoalitionTable.is_active)
        .order_by(CoalitionTable.name))] if kinds else []


def prepare(user, *, report_key, table_id, period_kind, year=None, quarter=None, start=None,
            end=None, audience="public") -> Request:
    """The checked request, or :class:`ServiceError` at the field."""
    report = catalog.get(report_key or "")
    if report is None:
        raise ServiceError("Choose a report from the list.", field="report")
    table = db.session.get(CoalitionTable, table_id or 0)
    if table is None or not table.is_active:
        raise ServiceError("Choose a table from the list.", field="table_id")
    if table.kind not in report.table_kinds:
        nouns = " or ".join(sorted(TABLE_KIND_NOUNS.get(k, k) for k in report.table_kinds))
        raise ServiceError(f"The {report.title.lower()} is for a {nouns}; {table.name} is not "
                           f"one.", field="table_id")
    if audience not in report.audiences:
        raise ServiceError("Choose who the report is for.", field="audience")
    if not report.may_print(user, table, audience):
        raise ServiceError(f"Only the members of {table.name} may print its internal edition; "
                           f"choose the public one.", field="audience")
    period = periods.choose(period_kind, year_value=year, quarter_value=quarter, start=start,
                            end=end, today=local_today())
    return Request(report, table, period, audience)


def policy() -> Policy:
    return Policy.from_config(current_app.config)


UNPUBLISHABLE = ("This report cannot be printed for this period without revealing someone: its "
                 "counts are too few to protect. Choose a longer period, or the internal "
                 "edition if you sit at the table.")


def build(user, request: Request) -> dict:
    """The report's context, or :class:`ServiceError` when a table of its public edition cannot
    be protected by suppression (a handful of people spread over many groups)."""
    try:
        return request.report.build(user, request.table, request.period, request.audience,
                                    policy())
    except SuppressionError as error:
        raise ServiceError(UNPUBLISHABLE, field="period") from error


def file_name(run: ReportRun, request: Request) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{request.report.key} {request.table.name} "
                  f"{request.period.label} {request.audience}".lower()).strip("-")[:90]
    return f"run-{run.id}-{slug}.pdf"


def request_run(user, request: Request) -> ReportRun:
    """Record the run the worker will render; forget runs older than ``REPORT_KEEP_HOURS``
    with their files."""
    forget_old_runs()
    run = ReportRun(user_id=user.id, report_key=request.report.key,
                    report_title=request.report.title, table_id=request.table.id,
                    period_start=request.period.start, period_end=request.period.end,
                    period_label=request.period.label, audience=request.audience)
    db.session.add(run)
    db.session.flush()
    return run


def log_generation(user, request: Request, run: ReportRun) -> None:
    """One audit row per PDF generated: who (the row's actor), which report, its parameters.
    Written when the PDF is made, so a report that looks back to its last generation (the
    committee's "since the last report") does not find itself."""
    audit.log(user, "report", request.table,
              summary=f"{request.report.key}: generated the {request.report.title} for "
                      f"{request.table.name}, {request.period.label} "
                      f"({request.period.start.isoformat()} to {request.period.end.isoformat()}),"
                      f" {catalog.AUDIENCES[request.audience].lower()} (run {run.id}, "
                      f"{run.pages} pages)")


def request_of(user, run: ReportRun) -> Request:
    """The run's request, checked again (the user's rights may have changed since), with the
    period as it was asked for ("2026", "Q3 2026" or dates)."""
    request = prepare(user, report_key=run.report_key, table_id=run.table_id,
                      period_kind="custom", start=run.period_start, end=run.period_end,
                      audience=run.audience)
    return replace(request, period=periods.Period(run.period_start, run.period_end,
                                                  run.period_label))


def reports_folder() -> Path:
    return Path(current_app.config["REPORTS_DIR"])


def run_file(run: ReportRun) -> Path | None:
    if run.status != "done" or not run.file_name:
        return None
    path = reports_folder() / run.file_name
    return path if path.is_file() else None


def forget_old_runs() -> int:
    """Delete runs (and their PDFs) older than ``REPORT_KEEP_HOURS``."""
    cutoff = utcnow() - timedelta(hours=int(current_app.config["REPORT_KEEP_HOURS"]))
    old = list(db.session.scalars(select(ReportRun).where(ReportRun.created_at < cutoff)))
    for run in old:
        if run.file_name:
            (reports_folder() / run.file_name).unlink(missing_ok=True)
    if old:
        db.session.execute(delete(ReportRun).where(ReportRun.id.in_([r.id for r in old])))
    return len(old)


def recent_runs(user, limit: int = 10) -> list[ReportRun]:
    return list(db.session.scalars(
        select(ReportRun).where(ReportRun.user_id == user.id)
        .order_by(ReportRun.created_at.desc(), ReportRun.id.desc()).limit(limit)))


def run_of(user, run_id: int) -> ReportRun | None:
    """The user's own run (a run is never shown to anyone else)."""
    run = db.session.get(ReportRun, run_id)
    return run if run is not None and run.user_id == user.id else None


def interrupted(run: ReportRun) -> bool:
    """A run still pending long after it was asked for was lost (the server restarted)."""
    limit = timedelta(minutes=int(current_app.config["REPORT_TIMEOUT_MINUTES"]))
    return run.is_pending and run.created_at < utcnow() - limit
