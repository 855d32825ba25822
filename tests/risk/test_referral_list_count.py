"""The referral list (``web.paginate(..., rows=True)``) counts its rows with the page's rows, in
one query: the page, the count and the pages are those of the whole list read and cut into
pages; the same with the statement built once and its parameters given (as the list does)."""

from __future__ import annotations

from math import ceil

import pytest

from coalition.core import web
from coalition.extensions import db
from coalition.risk import services as risk
from tests.conftest import counting_queries
from tests.risk.test_import import EMS, _import, csv_bytes, good_row, hub  # noqa: F401


@pytest.mark.parametrize("built_once", [False, True])
@pytest.mark.parametrize("page", ["1", "2", "3", "999", "x"])
@pytest.mark.parametrize("status", ["all", "open", "dismissed", "converted"])
def test_the_referral_page_is_the_whole_list_cut_into_pages(app, hub, status, page,  # noqa: F811
                                                            built_once):
    referrals = _import(hub, *(good_row(f"C-{n}", when=f"2026-11-{1 + n % 28:02d} 10:00")
                               for n in range(40)),
                        *(good_row(f"E-{n}", agency=EMS) for n in range(13)))
    for number in ("C-3", "C-8", "E-2", "C-30"):
        risk.dismiss_referral(hub.manager, referrals[number], reason="Out of county")
    risk.import_incidents(hub.outsider, hub.other, filename="y.csv", data=csv_bytes(
        *(good_row(f"O-{n}") for n in range(30))))
    db.session.commit()
    stmt = risk.referral_query(hub.table, status)
    whole = [tuple(row) for row in db.session.execute(stmt)]
    size = app.config["PAGE_SIZE"]
    pages = max(ceil(len(whole) / size), 1)
    # a page past the end shows the last one; an empty list has none to show instead
    shown = (min(int(page), pages) if whole else int(page)) if page.isdigit() else 1
    with app.test_request_context(f"/?page={page}"):
        with counting_queries() as statements:
            counted = web.paginate(risk.referral_statement(status), rows=True,
                                   params={"table_id": hub.table.id}) if built_once \
                else web.paginate(stmt, rows=True)
        assert [tuple(row)[:-1] for row in counted.items] == \
            whole[(shown - 1) * size:shown * size]
        assert (counted.page, counted.total) == (shown, len(whole))
        assert counted.pages == (pages if whole else 0)
        if counted.items and page in ("1", "x"):
            assert len(statements) == 1
