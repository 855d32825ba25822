"""Risk review routes: the table's board, its CSV export and the engagement report."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional

from coalition.core import audit
from coalition.core.db import utcnow
from coalition.core.localtime import local_today
from coalition.core.permissions import can_manage_table, can_view_case_data
from coalition.extensions import db
from coalition.risk.services import metrics
from coalition.risk.views import bp
from coalition.roster.forms import DATE_MESSAGE
from coalition.roster.models import CoalitionTable


def _actor():
    return current_user._get_current_object()


def _risk_table_or_404(table_id: int) -> CoalitionTable:
    """A risk review table whose case data the viewer may see; anything else is a 404."""
    table = db.get_or_404(CoalitionTable, table_id)
    if table.kind != "risk_review" or not can_view_case_data(_actor(), table):
        abort(404)
    return table


def _situation_urls(rows) -> dict[int, str]:
    return {row.id: url_for("risk.situation_detail", situation_id=row.id) for row in rows}


@bp.get("/risk")
def board_index():
    tables = metrics.risk_review_tables(_actor())
    if len(tables) == 1:
        return redirect(url_for(".board", table_id=tables[0].id))
    return render_template("risk/board_index.html", tables=tables)


@bp.get("/tables/<int:table_id>/risk-board")
def board(table_id: int):
    viewer = _actor()
    table = _risk_table_or_404(table_id)
    today = local_today()
    rows = metrics.board_rows(table, today=today, now=utcnow())
    audit.log(viewer, "view", table, summary=f"risk board: {len(rows)} situation(s) shown "
                                             f"by code")
    db.session.commit()
    response = Response(render_template(
        "risk/board.html", table=table, sections=metrics.board_sections(rows),
        section_labels=metrics.BOARD_SECTIONS, urls=_situation_urls(rows), today=today,
        month_start=metrics.month_start(today), target_hours=metrics.CONTACT_TARGET_HOURS,
        may_import=can_manage_table(_actor(), table)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/tables/<int:table_id>/risk-board.csv")
def board_export(table_id: int):
    viewer = _actor()
    table = _risk_table_or_404(table_id)
    today = local_today()
    rows = metrics.board_rows(table, today=today, now=utcnow())
    body = metrics.board_csv(rows)
    audit.log(viewer, "export", table,
              summary=f"risk board CSV of {len(rows)} de-identified situation(s)")
    db.session.commit()
    filename = f"risk-board-{table.id}-{today.isoformat()}.csv"
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    since = DateField("Presented on or after", validators=[Optional()],
                      invalid_value_message=DATE_MESSAGE)


@bp.get("/tables/<int:table_id>/risk-report")
def engagement_report(table_id: int):
    table = _risk_table_or_404(table_id)
    form = ReportFilterForm(formdata=request.args)
    valid = form.validate()
    since = form.since.data if valid else None
    return render_template("risk/engagement.html", table=table, form=form, since=since,
                           m=metrics.table_metrics(table, since=since)), (200 if valid else 400)
