"""A page of the deaths list whose rows carry their own count (``listed``, which
``ofr.services.row_query`` builds into the statement), the paged statement kept between
requests: :func:`core.web.paginate` (``rows=True``) adds its count to each request's statement."""

from __future__ import annotations

from functools import lru_cache

from flask import current_app

from coalition.core import web
from coalition.extensions import db


class ListedPagination(web.RowPagination):
    """A page of a statement of columns (:func:`ofr.services.row_query`) whose rows carry, in
    their ``listed`` column, how many rows the statement holds: the count is read from the
    page's first row, and counted apart only for a page past the end (which has none)."""

    def _query_items(self) -> list:
        stmt = _paged(self._query_args["select"], self.per_page, self._query_offset)
        return list(self._query_args["session"].execute(stmt).all())

    def _query_count(self) -> int:
        if self.items:
            return self.items[0].listed
        return super()._query_count()


def listed_page(stmt) -> ListedPagination:
    """One page of ``stmt`` (the page asked for, as :func:`core.web.paginate`): a page past the
    end shows the last page."""
    size = current_app.config["PAGE_SIZE"]
    number = web.page_number()
    page = _one_page(stmt, number, size)
    if number > 1 and not page.items and page.pages:
        page = _one_page(stmt, page.pages, size)
    return page


def _one_page(stmt, number: int, size: int) -> ListedPagination:
    return ListedPagination(select=stmt, session=db.session, page=number, per_page=size,
                            max_per_page=size, error_out=False)


@lru_cache(maxsize=64)
def _paged(stmt, limit: int, offset: int):
    """A page of ``stmt`` (built once per table and filters by ``row_query``), kept: executed
    again, SQLAlchemy finds its compiled form without walking it for its key again."""
    return stmt.limit(limit).offset(offset)
