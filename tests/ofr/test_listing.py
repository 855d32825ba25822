"""The deaths list computed in SQL (its rows and the table's counts) gives what the cases
themselves say, computed the straightforward way, on varied data; and never a case, a request
or a count of another table."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.models import OPEN_STATUSES, FatalityCase


@pytest.fixture
def varied(ofr_setting, make_case, make_table, review_meeting, today):
    """Cases with every kind of records request, one selected for a meeting, one with almost
    nothing known, one excluded; and a case of another fatality review table."""
    s = ofr_setting
    long_ago = today - timedelta(days=60)
    busy = make_case()
    ofr.select_for_meeting(s.manager, busy, review_meeting)
    overdue, received, nothing, waiting = ofr.request_records(
        s.manager, busy, organization_ids=[s.police.id, s.ems.id, s.hospital.id, s.treatment.id],
        requested_on=long_ago, due_on=today - timedelta(days=1))
    ofr.answer_request(s.manager, received, received_on=today - timedelta(days=3))
    ofr.answer_request(s.manager, nothing, nothing_found=True)
    waiting.due_on = today  # due today: not overdue yet
    sparse = make_case(age=None, sex="unknown", race="unknown", county_of_death="",
                       naloxone_administered="unknown", naloxone_by="unknown",
                       naloxone_doses=None, substances=[])
    ofr.request_records(s.manager, sparse, organization_ids=[s.police.id],
                        requested_on=long_ago, due_on=long_ago + timedelta(days=5))
    excluded = make_case(date_of_death=today - timedelta(days=400))
    ofr.request_records(s.manager, excluded, organization_ids=[s.ems.id],
                        requested_on=long_ago, due_on=long_ago)
    ofr.set_status(s.manager, excluded, "excluded", reason="Out of jurisdiction")
    plain = make_case(date_of_death=None)
    other_table = make_table("ofr", name="Neighbouring Fatality Review")
    elsewhere = make_case(other_table)
    ofr.request_records(s.manager, elsewhere, organization_ids=[s.police.id],
                        requested_on=long_ago, due_on=long_ago)
    db.session.commit()
    db.session.expire_all()
    return busy, sparse, excluded, plain, elsewhere, other_table


def expected_row(case: FatalityCase, today) -> dict:
    return {"id": case.id, "code": case.code, "date_of_death": case.date_of_death,
            "age": case.age, "county_of_death": case.county_of_death, "status": case.status,
            "status_label": case.status_label,
            "meeting_starts_at": case.selected_meeting.starts_at if case.selected_meeting
            else None,
            "known": ofr.completeness(case)["known"],
            "percent": ofr.completeness(case)["percent"],
            "requests": len(case.requests),
            "overdue": sum(1 for r in case.requests if r.is_overdue(today))}


@pytest.mark.parametrize("status", ["open", "all", "excluded"])
def test_the_rows_are_what_the_cases_say(ofr_setting, varied, today, status):
    cases = list(db.session.scalars(ofr.case_query(ofr_setting.table, status=status)))
    ids = list(db.session.scalars(ofr.case_ids_query(ofr_setting.table, status=status)))
    assert ids == [case.id for case in cases] and ids
    assert ofr.case_rows(ids, today) == [expected_row(case, today) for case in cases]


@pytest.mark.parametrize("status", ["open", "all", "excluded"])
def test_the_listed_rows_are_the_rows_of_the_listed_ids(ofr_setting, varied, today, status):
    """The list pages through the rows themselves (one query): the same rows, in the same
    order, as the ids it used to page through, then their rows."""
    ids = list(db.session.scalars(ofr.case_ids_query(ofr_setting.table, status=status)))
    listed = [ofr.shown_row(row) for row in db.session.execute(
        ofr.row_query(ofr_setting.table, status=status))]
    assert listed == ofr.case_rows(ids, today) and listed


def test_the_rows_vary_as_the_data_does(varied, today):
    busy, sparse, excluded, plain, *_ = varied
    rows = {row["code"]: row for row in ofr.case_rows(
        [busy.id, sparse.id, excluded.id, plain.id], today)}
    assert (rows[busy.code]["requests"], rows[busy.code]["overdue"]) == (4, 1)
    assert rows[busy.code]["meeting_starts_at"] is not None
    assert (rows[sparse.code]["requests"], rows[sparse.code]["overdue"]) == (1, 1)
    assert rows[sparse.code]["percent"] < rows[busy.code]["percent"]
    assert rows[plain.code]["requests"] == 0 and rows[plain.code]["date_of_death"] is None
    assert ofr.case_rows([], today) == []


def test_the_list_never_holds_another_tables_case(ofr_setting, varied, today):
    elsewhere = varied[4]
    ids = list(db.session.scalars(ofr.case_ids_query(ofr_setting.table, status="all")))
    assert elsewhere.id not in ids and len(ids) == 4


def test_the_counts_are_what_the_cases_say(ofr_setting, varied, today):
    other_table = varied[5]
    tables = [ofr_setting.table.id, other_table.id]
    counts = ofr.table_counts(tables, today)
    for table_id in tables:
        open_cases = list(db.session.scalars(select(FatalityCase).where(
            FatalityCase.table_id == table_id, FatalityCase.status.in_(OPEN_STATUSES))))
        assert counts[table_id] == {
            "open": len(open_cases),
            "selected": sum(1 for c in open_cases if c.selected_meeting_id is not None
                            and c.status in ("selected", "records_requested",
                                             "summary_drafted")),
            "overdue_requests": sum(1 for c in open_cases for r in c.requests
                                    if r.is_overdue(today))}
    assert counts[ofr_setting.table.id] == {"open": 3, "selected": 1, "overdue_requests": 2}
    assert counts[other_table.id]["overdue_requests"] == 1
    assert ofr.table_counts([], today) == {}


def test_the_list_page_shows_the_rows(client, login, ofr_setting, varied, today):
    busy, sparse, excluded, *_ = varied
    login(ofr_setting.police_user)
    page = client.get(f"/tables/{ofr_setting.table.id}/cases").get_data(as_text=True)
    assert f'href="/cases/{busy.id}">{busy.code}</a>' in page
    assert "4 <span" in page and "1 overdue" in page
    assert excluded.code not in page and varied[4].code not in page
    assert "3 open cases, 1 selected for a meeting" in page
    assert "2 records requests overdue" in page


def test_the_list_shows_the_tables_counts_as_they_change(client, login, ofr_setting, varied,
                                                         today):
    """The list's counts are kept between requests until the data changes: a request answered,
    a case excluded and a filter that keeps other cases show the table's counts as they are."""
    busy, sparse, *_ = varied
    table = ofr_setting.table
    login(ofr_setting.police_user)
    url = f"/tables/{table.id}/cases"
    assert "2 records requests overdue" in client.get(url).get_data(as_text=True)
    ofr.answer_request(ofr_setting.manager, sparse.requests[0], received_on=today)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "3 open cases, 1 selected for a meeting, <strong>1 records request overdue" in page
    ofr.set_status(ofr_setting.manager, sparse, "excluded", reason="Out of jurisdiction")
    db.session.commit()
    for filtered in (url, url + "?status=all", url + "?status=excluded"):
        page = client.get(filtered).get_data(as_text=True)
        assert "2 open cases, 1 selected for a meeting, <strong>1 records request" in page
        counts = ofr.table_counts([table.id], today)[table.id]
        assert counts == {"open": 2, "selected": 1, "overdue_requests": 1}


def _month_of(case) -> date:
    return case.date_of_death.replace(day=1)


def test_the_count_read_with_the_rows_is_how_many_cases_the_filters_keep(ofr_setting, varied,
                                                                       today):
    """Every row carries ``listed``, the number of the table's cases its filters keep (what the
    list's pages count), computed the straightforward way: the cases the filters keep. The
    criterion's answers vary: met, not met, never answered."""
    busy, sparse, excluded, plain, *_ = varied
    table = ofr_setting.table
    criterion = ofr.ensure_criteria(table)[0]
    ofr.record_criteria(ofr_setting.manager, busy, {criterion.id: "met"})
    ofr.record_criteria(ofr_setting.manager, sparse, {criterion.id: "not_met"})
    db.session.commit()
    cases = list(db.session.scalars(select(FatalityCase).where(FatalityCase.table_id == table.id)))

    def answer(case):
        return next((a.result for a in case.criteria if a.criterion_id == criterion.id),
                    "unknown")

    def kept(case, status="open", month=None, criterion_id=None, result=None):
        return ((status == "all" or (case.status in OPEN_STATUSES if status == "open"
                                     else case.status == status))
                and (month is None or (case.date_of_death is not None
                                       and _month_of(case) == month))
                and (criterion_id is None or answer(case) == (result or "met")))

    for filters in ({}, {"status": "open"}, {"status": "all"}, {"status": "excluded"},
                    {"status": "closed"}, {"status": "all", "month": _month_of(busy)},
                    {"status": "all", "month": _month_of(excluded)},
                    {"status": "open", "month": _month_of(excluded)},
                    {"status": "all", "criterion_id": criterion.id},
                    {"status": "all", "criterion_id": criterion.id, "result": "not_met"},
                    {"status": "all", "criterion_id": criterion.id, "result": "unknown"}):
        expected = sum(1 for case in cases if kept(case, **filters))
        rows = db.session.execute(ofr.row_query(table, **filters).limit(1)).all()
        assert [row.listed for row in rows] == ([expected] if expected else []), filters


def test_the_list_pages_through_its_cases_with_their_count(app, client, login, ofr_setting,
                                                           make_case, today):
    """Pages of the list read their count with their rows; a page past the end shows the last
    page, as it did."""
    size = app.config["PAGE_SIZE"]
    codes = [make_case(date_of_death=today - timedelta(days=n)).code for n in range(size + 3)]
    db.session.commit()
    login(ofr_setting.police_user)
    url = f"/tables/{ofr_setting.table.id}/cases"
    first = client.get(url).get_data(as_text=True)
    last = client.get(f"{url}?page=2").get_data(as_text=True)
    past = client.get(f"{url}?page=99").get_data(as_text=True)
    assert codes[0] in first and codes[-1] not in first
    assert all(code in last for code in codes[size:]) and codes[0] not in last
    assert f"{url}?page=2" in first
    assert re.sub(r'name="csrf_token"[^>]*', "", last) == \
        re.sub(r'name="csrf_token"[^>]*', "", past)
    assert f"{size + 3} open cases" in first
