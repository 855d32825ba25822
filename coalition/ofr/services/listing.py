"""The deaths list (filters by status, month of death and selection criterion), the data-quality
list (cases below the completeness threshold, computed in SQL), and the dashboard card."""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache

from sqlalchemy import Date, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from coalition.core.kept import kept
from coalition.core.localtime import local_today
from coalition.extensions import db
from coalition.meetings.models import Meeting
from coalition.ofr.models import (
    AWAITING_REVIEW,
    CASE_STATUSES,
    OPEN_STATUSES,
    CaseCriterion,
    CaseSubstance,
    FatalityCase,
    RecordsRequest,
)
from coalition.ofr.services.cases import COMPLETENESS_FIELDS, DATE_FIELDS, NUMBER_FIELDS
from coalition.roster.models import CoalitionTable
from coalition.roster.seats import tables_of

OPEN = OPEN_STATUSES
LIST_STATUSES = ("open", "all")
NULL_ONLY = (*DATE_FIELDS, *NUMBER_FIELDS)  # dates and numbers: known when set


def _known(column):
    return case((and_(column.is_not(None), column.not_in(("", "unknown"))), 1), else_=0)


def known_count():
    """SQL: how many completeness facts a case has (the same count as ``completeness``): a date
    or a number is known when set, a code or a text when neither empty nor "unknown"."""
    has_substance = exists().where(CaseSubstance.case_id == FatalityCase.id)
    total = case((has_substance, 1), else_=0)
    for field in COMPLETENESS_FIELDS:
        column = getattr(FatalityCase, field)
        total = total + (case((column.is_not(None), 1), else_=0)
                         if field in NULL_ONLY else _known(column))
    return total


def percent_known():
    return known_count() * 100 / (len(COMPLETENESS_FIELDS) + 1)


def _filtered(stmt, table_id: int, *, status: str | None = "open", month: date | None = None,
              criterion_id: int | None = None, result: str | None = None):
    """``stmt`` (over the cases) kept to the table's cases matching the list's filters, most
    recent death first."""
    stmt = stmt.where(FatalityCase.table_id == table_id)
    if status in (None, "", "open"):
        stmt = stmt.where(FatalityCase.status.in_(OPEN))
    elif status != "all":
        stmt = stmt.where(FatalityCase.status == status)
    if month is not None:
        start = month.replace(day=1)
        end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        stmt = stmt.where(FatalityCase.date_of_death >= start, FatalityCase.date_of_death < end)
    if criterion_id is not None:
        answered = select(CaseCriterion.case_id).where(
            CaseCriterion.criterion_id == criterion_id,
            CaseCriterion.result == (result or "met"))
        if (result or "met") == "unknown":  # never answered counts as unknown
            answered_any = select(CaseCriterion.case_id).where(
                CaseCriterion.criterion_id == criterion_id)
            stmt = stmt.where(or_(FatalityCase.id.in_(answered),
                                  FatalityCase.id.not_in(answered_any)))
        else:
            stmt = stmt.where(FatalityCase.id.in_(answered))
    return stmt.order_by(FatalityCase.date_of_death.desc().nulls_last(), FatalityCase.id.desc())


def case_query(table, **filters):
    """The table's cases matching the list's filters, most recent death first."""
    return _filtered(select(FatalityCase), table.id, **filters)


def case_ids_query(table, **filters):
    """The ids of :func:`case_query`'s cases, in its order: what the list pages through."""
    return case_query(table, **filters).with_only_columns(FatalityCase.id)


def _overdue():
    """SQL: a records request not answered and past its due date (``RecordsRequest.is_overdue``),
    with the date as the ``today`` parameter."""
    return and_(RecordsRequest.received_on.is_(None), RecordsRequest.nothing_found.is_(False),
                RecordsRequest.due_on < bindparam("today", type_=Date,
                                                  callable_=lambda: local_today()))


def _request_count(*conditions):
    return (select(func.count()).select_from(RecordsRequest)
            .where(RecordsRequest.case_id == FatalityCase.id, *conditions)
            .correlate(FatalityCase).scalar_subquery())


_SHOWN = ("id", "code", "date_of_death", "age", "county_of_death", "status")
# the facts whose share the list shows, read with the row and counted in Python (as
# :func:`completeness` counts them): twenty CASE expressions in the statement cost more to
# build, key and expand at every request than the columns cost to read for a page of rows
_FACT_COLUMNS = tuple(field for field in COMPLETENESS_FIELDS if field not in _SHOWN)


@cache
def _rows_columns():
    """The columns the deaths list shows of a case, and the facts its completeness counts,
    built once; ``today`` is a parameter (the coalition's date when the statement runs,
    unless given)."""
    # the meeting's start as a subquery, not a join: the rows are counted without it
    meeting_starts_at = (select(Meeting.starts_at)
                         .where(Meeting.id == FatalityCase.selected_meeting_id)
                         .correlate(FatalityCase).scalar_subquery())
    # one of its substances, looked up in the index for each case shown (PostgreSQL would
    # otherwise read every case's substances into a hash before the page's sort and limit)
    a_substance = (select(CaseSubstance.id).where(CaseSubstance.case_id == FatalityCase.id)
                   .correlate(FatalityCase).limit(1).scalar_subquery())
    return select(*(getattr(FatalityCase, name) for name in _SHOWN),
                  meeting_starts_at.label("meeting_starts_at"),
                  _request_count().label("requests"),
                  _request_count(_overdue()).label("overdue"),
                  a_substance.label("a_substance"),
                  *(getattr(FatalityCase, field) for field in _FACT_COLUMNS))


@cache
def _rows_statement():
    """The statement of :func:`case_rows`; ``ids`` and ``today`` are its parameters."""
    return _rows_columns().where(FatalityCase.id.in_(bindparam("ids", expanding=True)))


def row_query(table, *, status: str | None = "open", month: date | None = None,
              criterion_id: int | None = None, result: str | None = None):
    """What the deaths list shows (:func:`case_rows`) of :func:`case_query`'s cases, in its
    order, as a statement of columns to page through (today's date is taken when it runs);
    each row becomes the list's row with :func:`shown_row`. The costly columns (subqueries)
    are computed for the page's rows only: the database computes them after the sort and the
    limit. Each row also carries ``listed``, how many cases the filters keep (what the list's
    pages count), computed once (an uncorrelated subquery).

    The statement is built once per table and filters (it holds no data, and today's date is
    a parameter): executed again, it is not walked again for its key in SQLAlchemy's cache of
    compiled statements."""
    if status in (None, ""):
        status = "open"
    if criterion_id is None:
        result = None  # without a criterion, the result asked filters nothing
    return _row_query(table.id, status, month, criterion_id, result)


@lru_cache(maxsize=64)
def _row_query(table_id: int, status: str, month: date | None, criterion_id: int | None,
               result: str | None):
    filters = {"status": status, "month": month, "criterion_id": criterion_id,
               "result": result}
    listed = (select(func.count()).select_from(
        _filtered(select(FatalityCase.id), table_id, **filters).order_by(None).subquery())
        .scalar_subquery().label("listed"))
    return _filtered(_rows_columns().add_columns(listed), table_id, **filters)


def kept_table_counts(table, today: date) -> dict:
    """The table's counts (:func:`table_counts`), kept until the data changes (or the day
    does): the deaths list shows them on every page, and counting the open cases' overdue
    requests reads every one of them. They are the same for every viewer of the list."""
    return dict(kept("ofr.table_counts", (table.id, today),
                     lambda: table_counts([table.id], today)[table.id]))


_TOTAL = len(COMPLETENESS_FIELDS) + 1
_UNKNOWN = (None, "", "unknown")  # a fact not known (a date or a number: not set)
_KNOWN_AT = tuple(sorted({_SHOWN.index(field) if field in _SHOWN
                          else len(_SHOWN) + 4 + _FACT_COLUMNS.index(field)
                          for field in COMPLETENESS_FIELDS}))


def shown_row(row) -> dict:
    """A row of :func:`row_query` (or of :func:`case_rows`'s query) as the list shows it; its
    completeness counted as :func:`completeness` counts it (facts not empty nor "unknown", and
    a substance)."""
    known = sum(1 for at in _KNOWN_AT if row[at] not in _UNKNOWN)
    if row[9] is not None:  # a substance
        known += 1
    return {"id": row[0], "code": row[1], "date_of_death": row[2], "age": row[3],
            "county_of_death": row[4], "status": row[5],
            "status_label": CASE_STATUSES[row[5]], "meeting_starts_at": row[6],
            "known": known, "percent": round(100 * known / _TOTAL),
            "requests": row[7], "overdue": row[8]}


def case_rows(case_ids: list[int], today: date) -> list[dict]:
    """What the deaths list shows of these cases, in the order given (one query): the facts
    shown, the status, the selected meeting's start, the completeness share (as
    :func:`completeness` computes it), the records requests and how many are
    overdue."""
    if not case_ids:
        return []
    by_id = {row.id: shown_row(row) for row in db.session.execute(
        _rows_statement(), {"ids": list(case_ids), "today": today})}
    return [by_id[case_id] for case_id in case_ids if case_id in by_id]


def quality_query(table, threshold: int):
    """Cases (not excluded) whose completeness is below ``threshold`` percent, least complete
    first."""
    share = percent_known()
    return (select(FatalityCase).where(FatalityCase.table_id == table.id,
                                       FatalityCase.status != "excluded", share < threshold)
            .options(selectinload(FatalityCase.substances))
            .order_by(share, FatalityCase.id))


@cache
def _counts_statement():
    """The statement of :func:`table_counts`, built once; ``tables`` and ``today`` are its
    parameters."""
    return (select(FatalityCase.table_id, func.count(FatalityCase.id),
                   func.count(case((and_(FatalityCase.selected_meeting_id.is_not(None),
                                         FatalityCase.status.in_(AWAITING_REVIEW)), 1))),
                   func.coalesce(func.sum(_request_count(_overdue())), 0))
            .where(FatalityCase.table_id.in_(bindparam("tables", expanding=True)),
                   FatalityCase.status.in_(OPEN))
            .group_by(FatalityCase.table_id))


def table_counts(table_ids, today: date) -> dict[int, dict]:
    """Per table: open cases, cases selected for a meeting, overdue records requests of its open
    cases (one query: the requests are counted per open case, from an index)."""
    counts = {table_id: {"open": 0, "selected": 0, "overdue_requests": 0}
              for table_id in table_ids}
    if not table_ids:
        return counts
    for table_id, open_cases, selected, overdue in db.session.execute(
            _counts_statement(), {"tables": list(table_ids), "today": today}):
        counts[table_id].update(open=open_cases, selected=selected, overdue_requests=overdue)
    return counts


def ofr_tables_of(user) -> list[CoalitionTable]:
    """The fatality review tables the user sits at, by name."""
    return tables_of(user, "ofr")
