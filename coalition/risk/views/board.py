"""Risk review routes: the table's board, its CSV export and the engagement report."""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, url_for

from coalition.core import web
from coalition.core.db import utcnow
from coalition.core.fields import FilterForm, Form, date_field
from coalition.core.links import RowLinks
from coalition.core.localtime import local_today
from coalition.risk.permissions import can_view_risk_table
from coalition.risk.services import comparison, metrics
from coalition.risk.services.outreach import CONTACT_TARGET_HOURS
from coalition.risk.views import bp
from coalition.risk.views.board_rows import section_rows
from coalition.roster import seats
from coalition.roster.models import CoalitionTable
from coalition.roster.permissions import can_manage_table


def risk_table(table_id: int, act=None) -> CoalitionTable:
    """A risk review table whose case data the viewer may see (seated there); else 404; and
    403 unless ``act(viewer, table)``, when given (as ``web.load``). The table is read with the
    viewer's seat at it, in one query, which the checks then use."""
    viewer = web.actor()
    table = seats.table_with_seat(viewer, table_id)
    if not can_view_risk_table(viewer, table):
        abort(404)
    if act is not None and not act(viewer, table):
        abort(403)
    return table


@bp.get("/risk")
def board_index():
    tables = metrics.risk_review_tables(web.actor())
    if len(tables) == 1:
        return redirect(url_for(".board", table_id=tables[0].id))
    return render_template("risk/board_index.html", tables=tables)


BOARD_SECTION_ROWS = 15  # per section on the whole board; "show all" pages through one


@bp.get("/tables/<int:table_id>/risk-board")
def board(table_id: int):
    """The board for the meeting: each section's most pressing situations, with a link to page
    through a whole section (``?section=...``); any other value shows the whole board."""
    viewer = web.actor()
    table = risk_table(table_id)
    today, now = local_today(), utcnow()
    section = request.args.get("section")
    page = None
    if section in metrics.BOARD_SECTIONS:
        page = web.paginate(metrics.board_section_query(table, section, today=today))
        rows = metrics.board_page_rows(page.items, today=today, now=now)
        sections, counts = {section: rows}, {section: page.total}
    else:
        section = None
        overview = metrics.board_overview(table, per_section=BOARD_SECTION_ROWS, today=today,
                                          now=now)
        sections, counts = overview.sections, overview.counts
    shown = [row for rows in sections.values() for row in rows]
    body = render_template(
        "risk/board.html", table=table, sections=sections, counts=counts, section=section,
        page=page, section_labels=metrics.BOARD_SECTIONS,
        situation_link=RowLinks("risk.situation_detail", "situation_id"),
        today=today, month_start=metrics.month_start(today),
        target_hours=CONTACT_TARGET_HOURS, section_rows=section_rows,
        may_import=can_manage_table(viewer, table))
    # the read is logged once the page is written: the commit would expire the table and the
    # viewer, and writing the page would read them again
    web.perform(lambda: metrics.log_board_read(viewer, table, len(shown)))
    return web.no_store(make_response(body))


@bp.post("/tables/<int:table_id>/risk-board.csv")
def board_export(table_id: int):
    viewer = web.actor()
    table = risk_table(table_id)
    if not Form().validate_on_submit():
        abort(400)
    today = local_today()
    rows = metrics.board_rows(table, today=today, now=utcnow())
    body = metrics.board_csv(rows)
    web.perform(lambda: metrics.log_board_read(viewer, table, len(rows), export=True))
    return web.download(body, f"risk-board-{table.id}-{today.isoformat()}.csv", "text/csv")


class ReportFilterForm(FilterForm):
    since = date_field("Presented on or after")


@bp.get("/tables/<int:table_id>/risk-report")
def engagement_report(table_id: int):
    table = risk_table(table_id)
    form = ReportFilterForm(formdata=request.args)
    valid = form.validate()
    since = form.since.data if valid else None
    police = comparison.since_comparison(table.id, since=since, today=local_today())
    return render_template("risk/engagement.html", table=table, form=form, since=since,
                           m=metrics.table_metrics(table, since=since),
                           police=police), (200 if valid else 400)
