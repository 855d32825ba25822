"""Gap matrix routes: missed opportunities by continuum stage × sector over a period of deaths,
drawn as a heat map with the same numbers in a table; and one cell — the register's gaps of
that stage and sector, and its cases (codes only for the people seated at the case's team)."""

from __future__ import annotations

from flask import abort, make_response, render_template, request, url_for

from coalition.core import web
from coalition.core.errors import ServiceError, apply_to_form
from coalition.core.fields import FilterForm, date_field
from coalition.gaps.matrix_svg import matrix_svg
from coalition.gaps.services.matrix import (
    ANY,
    NO_SECTOR,
    NO_STAGE,
    case_rows,
    cell_cases,
    cell_gaps,
    cell_term,
    period_label,
)
from coalition.gaps.services.matrix import matrix as count_matrix
from coalition.gaps.views import bp

NOT_RECORDED = "none"  # the "not recorded" row or column in a cell's address
ALL = {"stage": "All stages", "sector": "All sectors"}  # a side left out of the address
UNRECORDED = {"stage": NO_STAGE, "sector": NO_SECTOR}


class PeriodForm(FilterForm):
    """The period of deaths counted; both ends optional (the query arguments ``from``, ``to``)."""

    date_from = date_field("Deaths from", name="from")
    date_to = date_field("Deaths to", name="to")


def _period(form: PeriodForm) -> dict:
    """The query arguments that keep the period in a link."""
    return {name: value.isoformat() for name, value in
            (("from", form.date_from.data), ("to", form.date_to.data)) if value}


def _cell_args(stage_id, sector_id) -> dict:
    """A cell's address: a term id, "none" for not recorded; a side left out is any (the
    row's or column's total)."""
    return {name: NOT_RECORDED if value is None else value
            for name, value in (("stage", stage_id), ("sector", sector_id)) if value != ANY}


def _page(template: str, status: int, **context):
    """Counts and case codes drawn from case timelines: never cached."""
    return web.no_store(make_response(render_template(template, **context), status))


@bp.get("/gaps/matrix")
def matrix():
    form = PeriodForm(request.args)
    counted = None
    if form.validate():
        try:
            counted = count_matrix(form.date_from.data, form.date_to.data)
        except ServiceError as error:
            apply_to_form(form, error)
    period = _period(form) if counted is not None else {}

    def cell_url(stage_id, sector_id) -> str:
        return url_for("gaps.matrix_cell", **_cell_args(stage_id, sector_id), **period)

    svg = matrix_svg(counted, cell_url) if counted is not None else None
    return _page("gaps/matrix.html", 200 if counted is not None else 400, form=form,
                 matrix=counted, svg=svg, cell_url=cell_url, ANY=ANY)


def _side(vocabulary: str):
    """The stage or sector a cell's address names: (id, label), ANY when left out; 404 for
    anything else."""
    raw = request.args.get(vocabulary, "")
    if raw == "":
        return ANY, ALL[vocabulary]
    if raw == NOT_RECORDED:
        return None, UNRECORDED[vocabulary]
    term = cell_term(vocabulary, raw)
    if term is None:
        abort(404)
    return term.id, term.label


@bp.get("/gaps/matrix/cell")
def matrix_cell():
    stage_id, stage = _side("stage")
    sector_id, sector = _side("sector")
    form = PeriodForm(request.args)
    everything = stage_id == ANY and sector_id == ANY  # the register has its own page
    gaps = None if everything else cell_gaps(stage_id, sector_id)
    cell = listing = None
    rows = []
    if form.validate():
        try:
            cell = cell_cases(web.actor(), stage_id, sector_id, form.date_from.data,
                              form.date_to.data)
        except ServiceError as error:
            apply_to_form(form, error)
    if cell is not None:
        listing = web.paginate(cell.query)
        rows = case_rows(web.actor(), cell, listing.items)
    shown = cell is not None
    return _page("gaps/matrix_cell.html", 200 if shown else 400, form=form, stage=stage,
                 sector=sector, address=_cell_args(stage_id, sector_id), gaps=gaps, cell=cell,
                 page=listing, rows=rows, period=_period(form) if shown else {},
                 period_text=period_label(form.date_from.data, form.date_to.data)
                 if shown else "")
