"""One page of the coalition's action item list, in one query on its first pages: the columns
the list prints and the count of the rows, counted only so far (``count_up_to``, or five pages
past the page shown, as ``core.web.BoundedPagination`` counts).

A list grouped open first (status "All") reads each group along the due-date index on its own,
as ``core.web.paginate_grouped`` does. On the first :data:`ONE_QUERY_PAGES` pages the count
(of all the groups' rows at once) is a scalar subquery of the page's query and each group gives
its rows up to the page's end, so no query comes before it; further on, where that would sort
many rows, the groups' counts come first and each group is read from its own offset. A page
past the end is counted, then the last page is shown. The first pages' statements are kept until
the data changes, under a key of their SQL and its values (see :func:`_value_key`).
"""

from __future__ import annotations

from math import ceil

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, func, literal_column, select, union_all

from coalition.actions.models import ActionItem
from coalition.core.kept import kept
from coalition.extensions import db
from coalition.roster.models import CoalitionTable, Organization, Person

ONE_QUERY_PAGES = 10

# The rows of the page are found by these columns alone (each subquery level copies every
# column it selects, and that copying was most of the time spent building the statement),
# then read from this alias of the table.
_KEY = (ActionItem.id, ActionItem.due_on)
_LISTED = ActionItem.__table__.alias("listed")


def _value_key(*elements) -> tuple | None:
    """What the SQL of ``elements`` says, values included: equal keys, the same statement
    (None for SQL that SQLAlchemy does not cache, or values that cannot be a key).

    The first pages' statements are kept (``core.kept``, until the data changes) under this
    key of the list's: building one (its subqueries copy their columns) and working out its
    cache key again cost more than the database took to answer it."""
    key = []
    for element in elements:
        cache_key = element._generate_cache_key()
        if cache_key is None:
            return None
        key.append((cache_key.key, tuple(
            tuple(param.effective_value) if isinstance(param.effective_value, list)
            else param.effective_value for param in cache_key.bindparams)))
    try:
        hash(tuple(key))
    except TypeError:
        return None
    return tuple(key)


def _count(stmt, bound: int):
    """The rows of ``stmt``, counted up to ``bound + 1``, as a scalar subquery."""
    return select(func.count()).select_from(
        stmt.with_only_columns(ActionItem.id).limit(bound + 1).subquery()).scalar_subquery()


def _left(stmt, before, end: int):
    """How many rows a group may give to a page ending at row ``end`` after the groups
    ``before`` it: ``end`` less theirs (counted only up to ``end``), none once they fill it —
    so a group the page does not reach is not read at all."""
    if not before:
        return end
    filled = select(func.count()).select_from(union_all(*(
        stmt.with_only_columns(ActionItem.id).where(*group).limit(end) for group in before)
    ).subquery()).scalar_subquery()
    return case((filled >= end, 0), else_=end - filled)


def _page_statement(stmt, spans, counts=(), *, offset: int = 0, limit: int | None = None):
    """The rows of ``spans`` — ``(number, group, offset, limit)``: that group's rows from that
    offset, by due date — one group after the other (then ``offset``, ``limit`` of them), with
    the names the list prints and ``counts``."""
    arms = [stmt.with_only_columns(*_KEY, literal_column(str(number)).label("grp"))
            .where(*group).order_by(ActionItem.due_on, ActionItem.id)
            .limit(arm_limit).offset(arm_offset)
            for number, group, arm_offset, arm_limit in spans]
    if len(arms) == 1:
        rows = arms[0].subquery()
    else:  # limited before the joins: the planner then expects a page's rows, not thousands
        both = union_all(*(select(arm.subquery()) for arm in arms)).subquery()
        rows = (select(both).order_by(both.c.grp, both.c.due_on, both.c.id)
                .limit(limit).offset(offset).subquery())
    item = _LISTED.c
    return (select(item.id, item.title, item.is_case, item.due_on, item.status, item.priority,
                   CoalitionTable.name, Person.name, Organization.name, *counts)
            .select_from(rows)
            .join(_LISTED, item.id == rows.c.id)
            .join(CoalitionTable, CoalitionTable.id == item.table_id)
            .join(Person, Person.id == item.owner_id)
            .outerjoin(Organization, Organization.id == item.organization_id)
            .order_by(rows.c.grp, rows.c.due_on, rows.c.id))


class ListPage(Pagination):
    """The page (``items`` made by ``make(row)``); ``total_is_bound`` says the list holds more
    than ``total`` rows."""

    total_is_bound = False
    _total = 0

    def _bound(self) -> int:
        return max(self._query_args["count_up_to"], (self.page + 5) * self.per_page)

    def _counted(self, total: int, bound: int) -> None:
        self.total_is_bound = total > bound
        self._total = bound if self.total_is_bound else total

    def _at_once(self) -> list:
        """The page and the counts in one query."""
        stmt, groups = self._query_args["select"], self._query_args["groups"]
        bound, start = self._bound(), self._query_offset

        def build():
            if len(groups) == 1:
                spans = [(0, groups[0], start, self.per_page)]
            else:
                spans = [(number, group, 0, _left(stmt, groups[:number], start + self.per_page))
                         for number, group in enumerate(groups)]
            return _page_statement(stmt, spans, (_count(stmt, bound),), offset=start,
                                   limit=self.per_page)

        key = _value_key(stmt, *(condition for group in groups for condition in group))
        statement = build() if key is None else kept(
            "actions.list_page", (key, tuple(map(len, groups)), start, self.per_page, bound),
            build)
        rows = db.session.execute(statement).all()
        if rows:
            self._counted(rows[0][-1], bound)
        return rows

    def _counts_first(self) -> list:
        """The counts, then the page (the last one if this one is past the end)."""
        stmt, groups = self._query_args["select"], self._query_args["groups"]
        bound = self._bound()
        counts = db.session.execute(select(*(_count(stmt.where(*group), bound)
                                             for group in groups))).one()
        self._counted(sum(counts), bound)
        self.page = min(self.page, max(ceil(self._total / self.per_page), 1))
        start, end = self._query_offset, self._query_offset + self.per_page
        spans = []
        for number, (group, count) in enumerate(zip(groups, counts, strict=True)):
            arm_offset = max(start, 0)
            arm_limit = max(min(end, count) - arm_offset, 0)
            if arm_limit:
                spans.append((number, group, arm_offset, arm_limit))
            start, end = start - count, end - count
        if not spans:
            return []
        return db.session.execute(_page_statement(stmt, spans, limit=self.per_page)).all()

    def _query_items(self) -> list:
        if len(self._query_args["groups"]) == 1 or self.page <= ONE_QUERY_PAGES:
            rows = self._at_once()
            if not rows and self.page > 1:
                rows = self._counts_first()
        else:
            rows = self._counts_first()
        make = self._query_args["make"]
        return [make(row) for row in rows]

    def _query_count(self) -> int:
        return self._total


def list_page(stmt, *, groups=((),), page: int, per_page: int, count_up_to: int,
              make) -> ListPage:
    """Page ``page`` of ``stmt`` (a ``select(ActionItem)`` with the list's filters, unordered):
    the rows of each of ``groups`` (tuples of conditions; one empty tuple for no groups) one
    group after the other, each by due date. The groups share ``stmt``'s rows out between them
    (each row is in exactly one), so ``stmt`` itself is counted for the total."""
    return ListPage(page=page, per_page=per_page, max_per_page=per_page, error_out=False,
                    select=stmt, groups=tuple(groups), make=make, count_up_to=count_up_to)
