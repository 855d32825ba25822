"""The request plumbing every view uses, written once.

A view reads: load the object or 404 with the viewer's rights (:func:`load`), check what the
viewer may do (403), validate the form, then hand the service call to :func:`perform`, which
commits it — the change and its audit row together — or rolls it all back and shows the refusal
at the form's field. No view commits, rolls back or writes audit rows itself; reads of case data
that must be audited go through :func:`perform` as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from math import ceil

from flask import Response, abort, current_app, flash, request
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import bindparam, case, func, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.exc import StaleDataError

from coalition.core.concurrency import EditConflict, conflict_rows, saved_values
from coalition.core.db import db, read_rows
from coalition.core.errors import ServiceError, apply_to_form

SIMULTANEOUS_MESSAGE = ("Someone saved a conflicting change at the same moment, so nothing of "
                        "yours was saved. Check the page and try again.")
MAX_PAGE = 100_000


def actor():
    """The signed-in user (the real object, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def form_status() -> int:
    """200 for a form shown, 400 for a form sent back with errors."""
    return 400 if request.method == "POST" else 200


# --- loading ------------------------------------------------------------------------------------

def load(model, ident: int, *, view: Callable | None = None, act: Callable | None = None,
         options=None):
    """The row of ``model`` with id ``ident``.

    404 when there is none or when ``view(user, obj)`` is false (what a viewer may not see is not
    acknowledged); 403 when ``act(user, obj)`` is false (they may see it but not do this).
    """
    obj = db.session.get(model, ident, options=options)
    if obj is None or (view is not None and not view(actor(), obj)):
        abort(404)
    if act is not None and not act(actor(), obj):
        abort(403)
    return obj


def child_of(model, ident: int, parent_column: str, parent_id: int, *,
             hidden: Callable | None = None):
    """A row that must belong to a parent named in the same URL (an item of this meeting, a
    seat of this table...): 404 otherwise, or when ``hidden(obj)`` says the viewer may not see
    it."""
    obj = db.session.get(model, ident)
    if obj is None or getattr(obj, parent_column) != parent_id or (hidden and hidden(obj)):
        abort(404)
    return obj


def require(allowed: bool) -> None:
    """403 unless ``allowed``."""
    if not allowed:
        abort(403)


# --- saving -------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What became of a service call: ``ok`` with its ``value``, or the ``error`` shown."""

    ok: bool
    value: object = None
    error: ServiceError | None = None

    @property
    def conflict(self) -> bool:
        return isinstance(self.error, EditConflict)


def perform(action: Callable[[], object], form=None, *, thing: str = "record") -> Outcome:
    """Run one service call and commit what it did; or, when it refuses (or the database finds a
    simultaneous change), roll everything back and attach the message to ``form``'s field.

    A stale version found by the database is an :class:`EditConflict` about ``thing``.
    """
    try:
        value = action()
        db.session.commit()
    except ServiceError as error:
        return _refused(error, form)
    except StaleDataError:
        return _refused(EditConflict(thing), form)
    except IntegrityError:
        return _refused(ServiceError(SIMULTANEOUS_MESSAGE), form)
    return Outcome(True, value)


def _refused(error: ServiceError, form) -> Outcome:
    db.session.rollback()
    if form is not None:
        apply_to_form(form, error)
    return Outcome(False, error=error)


def perform_edit(action: Callable[[], object], form, *, thing: str,
                 reload: Callable[[], object], saved: Callable[[object], dict] | None = None
                 ) -> tuple[Outcome, list[dict] | None]:
    """An edit form's save. On a conflict, the record is read again (``reload``) and the
    conflict page's rows compare what is saved now (``saved(record)``, by default the form's
    fields read off it) with what was typed; the form then answers the newer version, so saving
    again is a deliberate choice. Returns the outcome and those rows (None without a conflict).
    """
    outcome = perform(action, form, thing=thing)
    if not outcome.conflict:
        return outcome, None
    record = reload()
    rows = conflict_rows(form, saved(record) if saved else saved_values(form, record))
    form.version_id.data = str(record.version_id)
    return outcome, rows


def edit_status(conflict) -> int:
    """409 for the conflict page, else as :func:`form_status`."""
    return 409 if conflict else form_status()


def perform_and_flash(action: Callable[[], object], success: str | Callable[[object], str],
                      *, thing: str = "record") -> Outcome:
    """A POST button without a form: commit and flash ``success``, or flash the refusal."""
    outcome = perform(action, thing=thing)
    if outcome.ok:
        flash(success(outcome.value) if callable(success) else success, "success")
    else:
        flash(outcome.error.message, "error")
    return outcome


# --- lists --------------------------------------------------------------------------------------

def page_number() -> int:
    """The ``page`` query argument; anything that is not a page number is the first page."""
    raw = request.args.get("page", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE)):
        return min(max(int(raw), 1), MAX_PAGE)
    return 1


class BoundedPagination(SelectPagination):
    """A page whose count stops at ``count_up_to`` rows (or five pages past the current one,
    whichever is more), so a list over a large, growing table never counts all of it.
    ``total_is_bound`` says the list holds more than ``total`` rows. The count is read with
    the page's rows (a scalar subquery the database runs once): one round trip, not two; a
    page past the end (no rows) counts apart."""

    total_is_bound = False
    _counted: int | None = None

    def _bound(self) -> int:
        return max(self._query_args["count_up_to"], (self.page + 5) * self.per_page)

    def _bounded_count(self):
        rows = (self._query_args["select"].options(lazyload("*")).order_by(None)
                .limit(self._bound() + 1).subquery())
        return select(func.count()).select_from(rows)

    def _query_items(self) -> list:
        stmt = self._query_args["select"].add_columns(self._bounded_count().scalar_subquery())
        rows = self._query_args["session"].execute(
            stmt.limit(self.per_page).offset(self._query_offset)).unique().all()
        if rows:
            self._counted = rows[0][-1]
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        counted = self._counted
        if counted is None:
            counted = self._query_args["session"].execute(self._bounded_count()).scalar()
        bound = self._bound()
        if counted > bound:
            self.total_is_bound = True
            return bound
        return counted


class CountedWithRowsPagination(SelectPagination):
    """A page whose rows carry the count of all rows (``count(*) OVER ()``): one query instead
    of two, for lists that stay small (a person's own items); a page past the end counts apart.
    The page's items are the rows' first column, or ``make(row)`` given ``make``.
    """

    _counted: int | None = None

    def _query_items(self) -> list:
        stmt = self._query_args["select"].add_columns(func.count().over())
        rows = self._query_args["session"].execute(
            stmt.limit(self.per_page).offset(self._query_offset)).all()
        if rows:
            self._counted = rows[0][-1]
        make = self._query_args["make"]
        return [make(row) for row in rows] if make is not None else [row[0] for row in rows]

    def _query_count(self) -> int:
        return self._counted if self._counted is not None else super()._query_count()


class RowPagination(SelectPagination):
    """A page of a statement of columns (not DISTINCT): its items are the rows, which carry the
    count of all rows (``list_count``, a scalar subquery over the first column alone, which the
    database runs once): one round trip; a page past the end (no rows) counts apart.

    Given ``params``, the statement is one built once whose values are parameters: the page's
    statement is then built once too (:func:`_row_page`), and run with ``params`` on the
    connection (``db.read_rows``)."""

    _counted: int | None = None

    def _count(self):
        return _row_count(self._query_args["select"])

    def _query_items(self) -> list:
        params = self._query_args.get("params")
        if params is not None:
            rows = read_rows(_row_page(self._query_args["select"]), {
                **params, "page_limit": self.per_page, "page_offset": self._query_offset}).all()
        else:
            stmt = self._query_args["select"].add_columns(
                self._count().scalar_subquery().label("list_count"))
            rows = self._query_args["session"].execute(
                stmt.limit(self.per_page).offset(self._query_offset)).all()
        self._counted = rows[0].list_count if rows else None
        return rows

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        params = self._query_args.get("params")
        if params is not None:
            return read_rows(_kept_row_count(self._query_args["select"]), params).scalar()
        return self._query_args["session"].execute(self._count()).scalar()


def _row_count(stmt):
    """The count of ``stmt``'s rows, over its first column alone."""
    rows = stmt.with_only_columns(stmt.selected_columns[0]).order_by(None).subquery()
    return select(func.count()).select_from(rows)


_kept_row_count = lru_cache(maxsize=64)(_row_count)  # for a statement built once


@lru_cache(maxsize=64)
def _row_page(stmt):
    """A page of ``stmt`` (a statement built once) with its count as ``list_count``, the page's
    size and start as the parameters ``page_limit`` and ``page_offset``: built once, so
    SQLAlchemy finds its compiled form without walking it for its key again."""
    return (stmt.add_columns(_kept_row_count(stmt).scalar_subquery().label("list_count"))
            .limit(bindparam("page_limit")).offset(bindparam("page_offset")))


def _one_page(stmt, number: int, size: int, count_up_to: int | None,
              count_with_rows: bool | Callable = False, rows: bool = False,
              params: dict | None = None):
    if count_with_rows:
        return CountedWithRowsPagination(
            select=stmt, session=db.session, page=number, per_page=size, max_per_page=size,
            error_out=False, make=count_with_rows if callable(count_with_rows) else None)
    if rows:
        return RowPagination(select=stmt, session=db.session, page=number, per_page=size,
                             max_per_page=size, error_out=False, params=params)
    if count_up_to is None:
        return db.paginate(stmt, page=number, per_page=size, max_per_page=size,
                           error_out=False)
    return BoundedPagination(select=stmt, session=db.session, page=number, per_page=size,
                             max_per_page=size, error_out=False, count_up_to=count_up_to)


def paginate(stmt, *, per_page: int | None = None, count_up_to: int | None = None,
             count_with_rows: bool | Callable = False, rows: bool = False,
             params: dict | None = None):
    """One page of ``stmt``; a page past the end shows the last page.

    With ``rows`` the page's items are the statement's rows (a statement of the columns a list
    shows), counted in the same query (see :class:`RowPagination`; with ``params``, a statement
    built once and the values of its parameters), else its first column (ORM objects).

    With ``count_up_to`` the rows are counted only that far (see :class:`BoundedPagination`):
    for lists over tables that grow without end, like the audit log. With ``count_with_rows``
    the page's query counts them too (see :class:`CountedWithRowsPagination`): for short lists;
    a callable ``count_with_rows`` makes each item from its row (for a select of columns).
    """
    size = per_page or current_app.config["PAGE_SIZE"]
    number = page_number()
    page = _one_page(stmt, number, size, count_up_to, count_with_rows, rows, params)
    if number > 1 and not page.items and page.pages:
        page = _one_page(stmt, page.pages, size, count_up_to, count_with_rows, rows, params)
    return page


def paginate_grouped(stmt, *, key, groups, order, options=(), per_page: int | None = None,
                     count_up_to: int | None = None):
    """One page of ``stmt`` (filters only) listing its rows group after group — ``groups`` are
    conditions, e.g. open then closed — each group in ``order``.

    The same rows as ``ORDER BY <group>, *order``, but such a sort can use no index: here each
    group is read along ``order`` on its own (an index on those columns serves it), in two
    queries whatever the data: the groups' counts, then the page's rows. ``key`` is the rows'
    primary key; ``options`` are loader options for the page's rows. A page past the end shows
    the last page. With ``count_up_to`` each group is counted only that far (or five pages past
    the current one), as :class:`BoundedPagination` counts.
    """
    size = per_page or current_app.config["PAGE_SIZE"]
    return _GroupedPagination(page=page_number(), per_page=size, max_per_page=size,
                              error_out=False, select=stmt, key=key, groups=tuple(groups),
                              order=tuple(order), options=tuple(options),
                              count_up_to=count_up_to)


class _GroupedPagination(Pagination):
    total_is_bound = False

    def _group_counts(self, stmt, key, groups) -> tuple[int, ...]:
        """Each group's count; bounded, a group past the bound counts ``bound + 1`` (the page,
        which ends before the bound, then lies in the groups before it)."""
        if self._query_args["count_up_to"] is None:
            return tuple(db.session.execute(stmt.with_only_columns(
                *[func.count(case((group, 1))) for group in groups]).order_by(None)).one())
        bound = max(self._query_args["count_up_to"], (self.page + 5) * self.per_page)
        counted = [select(func.count()).select_from(
            stmt.with_only_columns(key).where(group).order_by(None).limit(bound + 1).subquery()
        ).scalar_subquery() for group in groups]
        counts = tuple(db.session.execute(select(*counted)).one())
        if sum(counts) > bound:
            self.total_is_bound, self._bound = True, bound
        return counts

    def _query_items(self) -> list:
        stmt, key, groups = (self._query_args[name] for name in ("select", "key", "groups"))
        counts = self._group_counts(stmt, key, groups)
        self._total = self._bound if self.total_is_bound else sum(counts)
        last = max(ceil(self._total / self.per_page), 1)
        self.page = min(self.page, last)
        start, end = self._query_offset, self._query_offset + self.per_page
        spans = []  # (group, offset, limit) of each group
        for group, count in zip(groups, counts, strict=True):
            offset, limit = max(start, 0), max(min(end, count) - max(start, 0), 0)
            spans.append((group, offset, limit))
            start, end = start - count, end - count
        order = self._query_args["order"]
        shown = [span for span in spans if span[2]]
        if len(shown) == 1:  # the page lies in one group (every page but one): read it alone
            group, offset, limit = shown[0]
            return list(db.session.scalars(
                stmt.where(group).order_by(None).order_by(*order).limit(limit).offset(offset)
                .options(*self._query_args["options"])).unique())
        arms = [select(stmt.with_only_columns(key).where(group).order_by(None).order_by(*order)
                       .limit(limit).offset(offset).subquery().c[0])
                for group, offset, limit in spans]
        rank = case(*[(group, number) for number, group in enumerate(groups)])
        return list(db.session.scalars(
            stmt.where(key.in_(union_all(*arms))).order_by(None)
            .order_by(rank, *self._query_args["order"]).options(*self._query_args["options"])
        ).unique())

    def _query_count(self) -> int:
        return self._total


# --- responses ----------------------------------------------------------------------------------

def no_store(response: Response) -> Response:
    """Pages and files with case data are never kept by browsers or proxies."""
    response.headers["Cache-Control"] = "no-store"
    return response


def download(body: str | bytes, filename: str, mimetype: str, *, inline: bool = False
             ) -> Response:
    """A file to save (or, ``inline``, to open in the browser), never cached."""
    if isinstance(body, str) and mimetype == "text/csv":
        body = "\ufeff" + body  # spreadsheets read UTF-8 when the file says so
    disposition = "inline" if inline else "attachment"
    if mimetype.startswith("text/") and "charset" not in mimetype:
        mimetype += "; charset=utf-8"
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return no_store(response)
