"""Pages of lists: the page asked for (``?page=``), its rows and their count in as few queries
as the list allows (:func:`paginate`), and lists read group after group
(:func:`paginate_grouped`). Views use them as ``web.paginate``."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from math import ceil

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import bindparam, case, func, select, union_all
from sqlalchemy.orm import lazyload

from coalition.core.db import db, read_rows
from coalition.core.kept import kept

MAX_PAGE = 100_000


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

    With ``keep``, ``select`` is a statement of columns built once whose rows any viewer who
    reaches the list may see: the page's rows are kept until the data changes (core.kept).
    """

    _counted: int | None = None

    def _query_items(self) -> list:
        stmt, size, offset = self._query_args["select"], self.per_page, self._query_offset
        if self._query_args.get("keep"):
            rows = kept("lists.counted_page", (stmt, size, offset),
                        lambda: tuple(read_rows(_counted_page(stmt, size, offset))))
        else:
            rows = self._query_args["session"].execute(
                stmt.add_columns(func.count().over()).limit(size).offset(offset)).all()
        if rows:
            self._counted = rows[0][-1]
        make = self._query_args["make"]
        return [make(row) for row in rows] if make is not None else [row[0] for row in rows]

    def _query_count(self) -> int:
        return self._counted if self._counted is not None else super()._query_count()


@lru_cache(maxsize=64)
def _counted_page(stmt, size: int, offset: int):
    return stmt.add_columns(func.count().over()).limit(size).offset(offset)


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
              params: dict | None = None, keep: bool = False):
    if count_with_rows:
        return CountedWithRowsPagination(
            select=stmt, session=db.session, page=number, per_page=size, max_per_page=size,
            error_out=False, make=count_with_rows if callable(count_with_rows) else None,
            keep=keep)
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
             params: dict | None = None, keep: bool = False):
    """One page of ``stmt``; a page past the end shows the last page.

    With ``rows`` the page's items are the statement's rows (a statement of the columns a list
    shows), counted in the same query (see :class:`RowPagination`; with ``params``, a statement
    built once and the values of its parameters), else its first column (ORM objects).

    With ``count_up_to`` the rows are counted only that far (see :class:`BoundedPagination`):
    for lists over tables that grow without end, like the audit log. With ``count_with_rows``
    the page's query counts them too (see :class:`CountedWithRowsPagination`): for short lists;
    a callable ``count_with_rows`` makes each item from its row (for a select of columns), and
    with ``keep`` the page's rows are kept until the data changes (for a statement of columns
    built once, whose rows any viewer who reaches the list may see: no case material).
    """
    size = per_page or current_app.config["PAGE_SIZE"]
    number = page_number()
    page = _one_page(stmt, number, size, count_up_to, count_with_rows, rows, params, keep)
    if number > 1 and not page.items and page.pages:
        page = _one_page(stmt, page.pages, size, count_up_to, count_with_rows, rows, params,
                         keep)
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
