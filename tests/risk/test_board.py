"""The risk review table's board, its index, its CSV export: grouping, flags, permissions,
de-identification, audit and flat query counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from coalition.core.db import utcnow
from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.risk.models import SituationAgency
from coalition.risk.services import metrics
from tests.conftest import counting_queries

SUMMARY = "Lives behind the hardware store on Elm, uses alone."


@pytest.fixture
def situations(risk_setting, make_situation):
    """One situation per board section, plus three that must not be on the board."""
    table, police = risk_setting.table, risk_setting.police
    today = local_today()
    now = utcnow()

    def make(code, status="accepted", **fields):
        situation = make_situation(table, police, status=status, code=code, summary=SUMMARY,
                                   **fields)
        if status in ("accepted", "concluded"):
            db.session.add(SituationAgency(situation=situation,
                                           organization=risk_setting.harm_reduction,
                                           role="lead"))
            db.session.commit()
        return situation

    made = {
        "new": make("RS-NEW", status="new", presented_on=today - timedelta(days=3)),
        "late": make("RS-LATE", accepted_at=now - timedelta(hours=50)),
        "waiting": make("RS-WAIT", accepted_at=now - timedelta(hours=5)),
        "contacted": make("RS-CONTACT", accepted_at=now - timedelta(hours=80),
                          first_contact_at=now - timedelta(hours=60)),
        "concluded": make("RS-DONE", status="concluded", accepted_at=now - timedelta(days=2),
                          first_contact_at=now - timedelta(days=1), concluded_on=today,
                          outcome="connected", risk_status="lowered"),
        "old": make("RS-OLD", status="concluded", accepted_at=now - timedelta(days=90),
                    concluded_on=today.replace(day=1) - timedelta(days=1),
                    outcome="refused", risk_status="still_elevated"),
        "rejected": make_situation(table, police, status="rejected", code="RS-REJ",
                                   summary="", level=None, age_range=None,
                                   consent_status=None),
        "elsewhere": make_situation(risk_setting.other_table, police, code="RS-ELSEWHERE"),
    }
    return made


def _codes(sections, key):
    return [row.code for row in sections[key]]


# --- grouping and flags ---------------------------------------------------------------------

def test_the_board_groups_situations_by_stage(risk_setting, situations):
    sections = metrics.board_sections(metrics.board_rows(risk_setting.table))
    assert {key: _codes(sections, key) for key in sections} == {
        "new": ["RS-NEW"], "awaiting_contact": ["RS-LATE", "RS-WAIT"],
        "in_outreach": ["RS-CONTACT"], "concluded": ["RS-DONE"]}


def test_the_board_flags_only_situations_past_48_hours_without_contact(risk_setting,
                                                                      situations):
    rows = metrics.board_rows(risk_setting.table)
    assert [row.code for row in rows if row.overdue] == ["RS-LATE"]


def test_a_new_situation_shows_its_age_in_days(risk_setting, situations):
    rows = {row.code: row for row in metrics.board_rows(risk_setting.table)}
    assert rows["RS-NEW"].age_days == 3


def test_an_accepted_situation_shows_hours_since_acceptance(risk_setting, situations):
    rows = {row.code: row for row in metrics.board_rows(risk_setting.table)}
    assert 4.9 <= rows["RS-WAIT"].hours_since_acceptance <= 5.1


def test_the_board_page_shows_codes_and_the_flag_but_no_summary(client, login, risk_setting,
                                                                situations):
    login(risk_setting.police_user)
    html = client.get(f"/tables/{risk_setting.table.id}/risk-board").get_data(as_text=True)
    assert "RS-LATE" in html and "No contact after 48 hours" in html
    assert "hardware store" not in html
    assert "RS-OLD" not in html and "RS-REJ" not in html and "RS-ELSEWHERE" not in html


def test_viewing_the_board_is_audited(client, login, risk_setting, situations):
    login(risk_setting.police_user)
    client.get(f"/tables/{risk_setting.table.id}/risk-board")
    rows = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "view", AuditEvent.object_type == "coalition_tables")))
    assert len(rows) == 1 and rows[0].object_id == risk_setting.table.id


@pytest.mark.parametrize("query", ["", "?section=awaiting_contact"])
def test_the_board_is_written_before_its_read_is_logged(client, login, risk_setting,
                                                        situations, query):
    """The audit row is the page's last statement: the commit expires the table and the
    viewer, and nothing reads them again after it; the row is still written."""
    login(risk_setting.police_user)
    url = f"/tables/{risk_setting.table.id}/risk-board{query}"
    client.get(url)
    with counting_queries() as statements:
        html = client.get(url).get_data(as_text=True)
    assert "RS-LATE" in html and risk_setting.table.name in html
    written = [n for n, sql in enumerate(statements) if sql.startswith("INSERT INTO audit_events")]
    assert len(written) == 1
    assert not [sql for sql in statements[written[0]:] if sql.lstrip().startswith("SELECT")]
    assert len(list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "view", AuditEvent.object_type == "coalition_tables")))) == 2


def test_the_rows_link_to_their_situation_pages(app, risk_setting, situations):
    from flask import url_for

    from coalition.core.links import RowLinks

    rows = metrics.board_rows(risk_setting.table)
    with app.test_request_context("/"):
        links = RowLinks("risk.situation_detail", "situation_id")
        assert [links(row.id) for row in rows] == [
            url_for("risk.situation_detail", situation_id=row.id) for row in rows]
    assert len(rows) > 3


# --- the board as shown: the first of each section, most in need first ------------------------

def _need_order(row):
    if row.section == "awaiting_contact":
        return (row.accepted_at, row.presented_on, row.id)
    return (row.presented_on, row.id)


@pytest.fixture
def crowded(risk_setting, situations, make_situation):
    """More situations in every section, in an order unlike that of their codes."""
    table, police = risk_setting.table, risk_setting.police
    today, now = local_today(), utcnow()
    for n in range(7):
        make_situation(table, police, status="new", code=f"RS-N{n}",
                       presented_on=today - timedelta(days=(n * 5) % 11))
        # presented long ago but accepted recently, and the other way round
        make_situation(table, police, status="accepted", code=f"RS-A{n}",
                       presented_on=today - timedelta(days=30 - n),
                       accepted_at=now - timedelta(hours=(n * 37) % 100))
        make_situation(table, police, status="accepted", code=f"RS-C{n}",
                       presented_on=today - timedelta(days=(n * 3) % 8),
                       accepted_at=now - timedelta(hours=90),
                       first_contact_at=now - timedelta(hours=10))
        make_situation(table, police, status="concluded", code=f"RS-D{n}",
                       presented_on=today - timedelta(days=(n * 7) % 9),
                       accepted_at=now - timedelta(days=3), concluded_on=today,
                       outcome="connected", risk_status="lowered")
    db.session.commit()


@pytest.mark.parametrize("per_section", [1, 3, 8, 50])
def test_the_overview_is_each_section_s_most_in_need(risk_setting, crowded, per_section):
    table = risk_setting.table
    today, now = local_today(), utcnow()
    everything = metrics.board_sections(metrics.board_rows(table, today=today, now=now))
    overview = metrics.board_overview(table, per_section=per_section, today=today, now=now)
    assert overview.counts == {key: len(rows) for key, rows in everything.items()}
    assert overview.sections == {key: sorted(rows, key=_need_order)[:per_section]
                                 for key, rows in everything.items()}


def test_the_overdue_head_the_awaiting_section(risk_setting, situations):
    overview = metrics.board_overview(risk_setting.table, per_section=1)
    assert _codes(overview.sections, "awaiting_contact") == ["RS-LATE"]
    assert overview.counts["awaiting_contact"] == 2


def test_an_empty_board_has_empty_sections(risk_setting):
    overview = metrics.board_overview(risk_setting.table, per_section=5)
    assert overview.sections == {key: [] for key in metrics.BOARD_SECTIONS}
    assert set(overview.counts.values()) == {0}


def test_a_long_section_shows_its_first_and_links_to_all_of_it(client, login, risk_setting,
                                                               crowded, monkeypatch):
    from coalition.risk.views import board
    monkeypatch.setattr(board, "BOARD_SECTION_ROWS", 2)
    login(risk_setting.police_user)
    table_id = risk_setting.table.id
    html = client.get(f"/tables/{table_id}/risk-board").get_data(as_text=True)
    assert "The 2 most in need of 9." in html  # awaiting contact: RS-LATE, RS-WAIT, 7 RS-A
    assert (f'href="/tables/{table_id}/risk-board?section=awaiting_contact">Show all 9 in this '
            "section</a>") in html
    # accepted 85 and 74 hours ago, before RS-LATE (50) and RS-WAIT (5)
    assert ">RS-A5</a>" in html and ">RS-A2</a>" in html
    assert "RS-LATE" not in html and "RS-WAIT" not in html
    # the audit row counts the situations shown
    summaries = list(db.session.scalars(select(AuditEvent.summary).where(
        AuditEvent.action == "view", AuditEvent.object_type == "coalition_tables")))
    assert summaries == ["risk board: 8 situation(s) shown by code"]


def test_a_whole_section_pages_most_in_need_first(app, client, login, risk_setting, crowded,
                                                  monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    login(risk_setting.police_user)
    table = risk_setting.table
    expected = sorted(metrics.board_sections(metrics.board_rows(table))["awaiting_contact"],
                      key=_need_order)
    shown = []
    for number in (1, 2, 3):
        response = client.get(f"/tables/{table.id}/risk-board?section=awaiting_contact"
                              f"&page={number}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Back to the whole board" in html and "In outreach" not in html
        shown += [row.code for row in expected if f">{row.code}</a>" in html]
    assert shown == [row.code for row in expected]
    assert ("9 in all, page 3 of 3." in html
            and f'href="/tables/{table.id}/risk-board?section=awaiting_contact&amp;page=2"'
            in html)


def test_an_unknown_section_shows_the_whole_board(client, login, risk_setting, situations):
    login(risk_setting.police_user)
    response = client.get(f"/tables/{risk_setting.table.id}/risk-board?section=%3Cx%3E")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert all(code in html for code in ("RS-NEW", "RS-LATE", "RS-CONTACT", "RS-DONE"))


def test_the_export_still_holds_every_situation_of_the_board(client, login, risk_setting,
                                                            crowded, monkeypatch):
    from coalition.risk.views import board
    monkeypatch.setattr(board, "BOARD_SECTION_ROWS", 1)
    login(risk_setting.police_user)
    response = client.post(f"/tables/{risk_setting.table.id}/risk-board.csv")
    codes = [row["Code"] for row in csv.DictReader(io.StringIO(
        response.get_data(as_text=True).lstrip("\ufeff")))]
    assert sorted(codes) == sorted(row.code for row in metrics.board_rows(risk_setting.table))
    assert len(codes) == 5 + 4 * 7


# --- the index ------------------------------------------------------------------------------

def test_the_index_redirects_to_the_only_board(client, login, risk_setting):
    login(risk_setting.harm_user)
    response = client.get("/risk")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tables/{risk_setting.table.id}/risk-board")


def test_the_index_lists_several_boards(client, login, risk_setting, seat):
    seat(risk_setting.harm_user.person, risk_setting.other_table, risk_setting.harm_reduction)
    login(risk_setting.harm_user)
    html = client.get("/risk").get_data(as_text=True)
    assert "Hub of Test County" in html and "Another Hub" in html


def test_the_index_tells_an_unseated_user_there_is_nothing(client, login, risk_setting):
    login(risk_setting.unseated_coordinator)
    response = client.get("/risk")
    assert response.status_code == 200
    assert "not seated at a risk review table" in response.get_data(as_text=True)


# --- permissions ----------------------------------------------------------------------------

ROUTES = [("GET", "/tables/{id}/risk-board"), ("POST", "/tables/{id}/risk-board.csv"),
          ("GET", "/tables/{id}/risk-report")]


@pytest.mark.parametrize(("method", "route"), ROUTES)
@pytest.mark.parametrize("who, status", [
    ("police_user", 200), ("harm_user", 200), ("coordinator", 200),
    ("outsider", 404), ("unseated_coordinator", 404)])
def test_who_may_see_the_board_export_and_report(client, login, risk_setting, method, route,
                                                 who, status):
    login(getattr(risk_setting, who))
    url = route.format(id=risk_setting.table.id)
    assert client.open(url, method=method).status_code == status


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_a_table_that_is_not_a_risk_review_table_has_no_board(client, login, make_table,
                                                              make_person, make_org, seat,
                                                              make_user, method, route):
    ofr = make_table("ofr")
    person = make_person()
    seat(person, ofr, make_org())
    login(make_user("member", person=person))
    assert client.open(route.format(id=ofr.id), method=method).status_code == 404


@pytest.mark.parametrize(("method", "route"), [*ROUTES, ("GET", "/risk")])
def test_anonymous_users_are_sent_to_sign_in(client, risk_setting, method, route):
    response = client.open(route.format(id=risk_setting.table.id), method=method)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the CSV export -------------------------------------------------------------------------

def _export(client, login, risk_setting):
    login(risk_setting.police_user)
    response = client.post(f"/tables/{risk_setting.table.id}/risk-board.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_export_lists_the_board_situations_by_code(client, login, risk_setting, situations):
    rows = _export(client, login, risk_setting)
    assert rows[0] == list(metrics.CSV_COLUMNS)
    assert sorted(row[0] for row in rows[1:]) == ["RS-CONTACT", "RS-DONE", "RS-LATE",
                                                  "RS-NEW", "RS-WAIT"]


def test_the_export_names_agencies_and_outcome(client, login, risk_setting, situations):
    rows = {row[0]: dict(zip(metrics.CSV_COLUMNS, row, strict=True))
            for row in _export(client, login, risk_setting)[1:]}
    done = rows["RS-DONE"]
    assert (done["Lead agency"], done["Outcome"], done["Originating agency"]) == (
        "Harm Reduction Test Org", "Connected to services", "Test County Police")
    assert done["Hours to first contact"] == "24.0"


def test_the_export_is_de_identified(client, login, risk_setting, situations):
    text = "\n".join(",".join(row) for row in _export(client, login, risk_setting))
    assert "hardware store" not in text
    assert "25_34" not in text and "Summary" not in text


def test_the_export_is_audited_once(client, login, risk_setting, situations):
    _export(client, login, risk_setting)
    rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")))
    assert len(rows) == 1
    assert rows[0].object_id == risk_setting.table.id and "5" in rows[0].summary
    assert rows[0].case_table_id == risk_setting.table.id


def test_a_link_cannot_export_the_board(client, login, risk_setting, situations):
    login(risk_setting.police_user)
    url = f"/tables/{risk_setting.table.id}/risk-board.csv"
    assert client.get(url).status_code == 405
    client.add_csrf = False
    assert client.post(url).status_code == 400
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()


def test_the_export_guards_against_formulas(client, login, risk_setting, make_situation,
                                            make_org):
    make_situation(risk_setting.table, make_org("=HYPERLINK(\"http://x\")"), code="=1+1")
    rows = _export(client, login, risk_setting)
    assert rows[1][0] == "'=1+1"
    assert rows[1][8].startswith("'=HYPERLINK")


# --- query counts ---------------------------------------------------------------------------

def _grow(risk_setting, make_situation, size: int, start: int):
    now = utcnow()
    for n in range(start, start + size):
        status = ("new", "accepted", "concluded")[n % 3]
        fields = {}
        if status != "new":
            fields = {"accepted_at": now - timedelta(hours=n + 1)}
        if status == "concluded":
            fields.update(concluded_on=local_today(), outcome="informed", risk_status="lowered")
        situation = make_situation(risk_setting.table, risk_setting.police, status=status,
                                   code=f"RS-Q-{n:04d}", **fields)
        if status != "new":
            db.session.add(SituationAgency(situation=situation,
                                           organization=risk_setting.harm_reduction,
                                           role="lead"))
    db.session.commit()


def test_board_pages_issue_the_same_number_of_queries_whatever_the_data(
        client, login, risk_setting, make_situation):
    table_id = risk_setting.table.id
    pages = [("GET", "/"), ("GET", "/risk"), ("GET", f"/tables/{table_id}/risk-board"),
             ("GET", f"/tables/{table_id}/risk-board?section=in_outreach&page=2"),
             ("POST", f"/tables/{table_id}/risk-board.csv"),
             ("GET", f"/tables/{table_id}/risk-report"),
             ("GET", f"/tables/{table_id}/risk-report?since={local_today().replace(day=1)}")]
    login(risk_setting.harm_user)

    def counts():
        result = {}
        for method, url in pages:
            with counting_queries() as statements:
                response = client.open(url, method=method)
            assert response.status_code in (200, 302), url
            result[url] = len(statements)
        return result

    _grow(risk_setting, make_situation, 3, 0)
    small = counts()
    _grow(risk_setting, make_situation, 30, 3)
    large = counts()
    assert large == small
    assert max(large.values()) <= 15, large


def test_the_overview_reads_sections_from_indexes_without_a_window(app, risk_setting):
    """Each section's first rows come from an index in its order where there is one (no sort
    of the whole section), and its count from an index alone: no window over the section's
    rows with all their columns."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan is checked; PostgreSQL picks by table size")
    compiled = metrics._overview_statement().compile(db.engine)
    params = compiled.construct_params({"table_id": risk_setting.table.id,
                                        "since": local_today().replace(day=1),
                                        "per_section": 15})
    sql = str(compiled)
    assert "OVER" not in sql.upper()
    plan = [str(row[-1]) for row in db.session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {sql}", tuple(params[name] for name in compiled.positiontup))]
    assert sum("USING INDEX ix_risk_situations_board_order" in step for step in plan) >= 2
    assert sum("TEMP B-TREE" in step for step in plan) <= 2  # awaiting contact, concluded
    assert sum("USING COVERING INDEX" in step for step in plan) == len(metrics.BOARD_SECTIONS)
