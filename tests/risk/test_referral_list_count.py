"""The referral list counts its rows with the page's rows (one query): the same page, the same
count and the same pages as ``web.paginate(..., rows=True)``, which counts apart."""

from __future__ import annotations

import pytest

from coalition.core import web
from coalition.extensions import db
from coalition.risk import services as risk
from coalition.risk.views.imports import _paginate_counted
from tests.conftest import counting_queries
from tests.risk.test_import import EMS, _import, csv_bytes, good_row, hub  # noqa: F401


@pytest.mark.parametrize("page", ["1", "2", "3", "999", "x"])
@pytest.mark.parametrize("status", ["all", "open", "dismissed", "converted"])
def test_the_counted_page_is_the_page_counted_apart(app, hub, status, page):  # noqa: F811
    referrals = _import(hub, *(good_row(f"C-{n}", when=f"2026-11-{1 + n % 28:02d} 10:00")
                               for n in range(40)),
                        *(good_row(f"E-{n}", agency=EMS) for n in range(13)))
    for number in ("C-3", "C-8", "E-2", "C-30"):
        risk.dismiss_referral(hub.manager, referrals[number], reason="Out of county")
    risk.import_incidents(hub.outsider, hub.other, filename="y.csv", data=csv_bytes(
        *(good_row(f"O-{n}") for n in range(30))))
    db.session.commit()
    stmt = risk.referral_query(hub.table, status)
    with app.test_request_context(f"/?page={page}"):
        with counting_queries() as statements:
            counted = _paginate_counted(stmt)
        apart = web.paginate(stmt, rows=True)
        assert [tuple(row)[:-1] for row in counted.items] == [tuple(row) for row in apart.items]
        assert (counted.page, counted.total, counted.pages) == (apart.page, apart.total,
                                                                apart.pages)
        if counted.items and page in ("1", "x"):
            assert len(statements) == 1
