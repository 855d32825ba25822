"""The audit log screen, and the log's append-only guarantee."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from coalition.core import audit
from coalition.core.forms import NO_SUCH_ACCOUNT
from coalition.core.models import AuditEvent
from coalition.extensions import db


def _event(actor=None, action="view", *, object_type=None, object_id=None, summary="",
           when: datetime | None = None) -> AuditEvent:
    row = audit.log(actor, action, object_type=object_type, object_id=object_id,
                    summary=summary)
    if when is not None:
        row.occurred_at = when  # set before the INSERT: a new row, not an update
    db.session.commit()
    return row


def _summaries(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r"<td>(marker-[^<]*)</td>", html)


# --- reading and filtering --------------------------------------------------------------------

def test_the_coordinator_sees_audit_rows_newest_first_with_every_column(as_coordinator,
                                                                       coordinator):
    _event(coordinator, "view", object_type="people", object_id=7, summary="marker-old",
           when=datetime(2025, 1, 1, 9, 30, tzinfo=UTC))
    _event(coordinator, "export", object_type="people", object_id=8, summary="marker-new",
           when=datetime(2025, 1, 2, 9, 30, tzinfo=UTC))
    response = as_coordinator.get("/audit/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _summaries(response) == ["marker-new", "marker-old"]
    for header in ("When (UTC)", "Who", "Action", "Object", "Summary", "Client address"):
        assert f'<th scope="col">{header}</th>' in html
    assert "2025-01-02 09:30:00" in html and "people #8" in html
    assert html.count("<h1") == 1


def test_the_audit_log_filters_by_user(as_coordinator, coordinator, make_user):
    other = make_user(name="Olive Other")
    _event(coordinator, summary="marker-mine")
    _event(other, summary="marker-theirs")
    response = as_coordinator.get(f"/audit/?user_id={other.id}&action=view")
    assert _summaries(response) == ["marker-theirs"]
    html = response.get_data(as_text=True)
    # the page says whose events these are, keeps the account when filtering further, and
    # links back to everyone's (with the other filters kept)
    assert f"Only the events of Olive Other ({other.email})" in html
    assert f'<input id="user_id" name="user_id" type="hidden" value="{other.id}">' in html
    assert 'href="/audit/?action=view">Show everyone' in html


def test_the_user_filter_is_a_search_not_a_list_of_every_account(as_coordinator, make_user):
    html = as_coordinator.get("/audit/").get_data(as_text=True)
    assert 'id="user"' in html and 'type="search"' in html
    assert 'name="user_id"' not in html and "Anyone" not in html


@pytest.mark.parametrize(("query", "expected"), [
    ("user=olive", ["marker-olive"]),                     # name, any case
    ("user=OLIVE", ["marker-olive"]),
    ("user=peter.p%40", ["marker-peter"]),                # e-mail
    ("user=example", ["marker-peter", "marker-olive"]),   # both: newest first
    ("user=nobody-like-this", []),
    ("user=%25", []),                                     # a LIKE wildcard is taken literally
    ("user=olive&action=export", []),
    ("user=pan&action=export", ["marker-peter"]),
])
def test_the_audit_log_searches_users_by_name_or_e_mail(as_coordinator, make_user, query,
                                                        expected):
    olive = make_user(name="Olive Other", email="o.other@example.org")
    peter = make_user(name="Peter Pan", email="peter.p@example.org")
    _event(olive, summary="marker-olive")
    _event(peter, "export", summary="marker-peter")
    _event(None, summary="marker-system")
    response = as_coordinator.get(f"/audit/?{query}")
    assert response.status_code == 200
    assert _summaries(response) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("object_type=people", ["marker-person-2", "marker-person-1"]),
    ("object_type=people&object_id=1", ["marker-person-1"]),
    ("action=export", ["marker-person-2"]),
])
def test_the_audit_log_filters_by_object_and_action(as_coordinator, coordinator, query,
                                                    expected):
    _event(coordinator, "view", object_type="people", object_id=1, summary="marker-person-1")
    _event(coordinator, "export", object_type="people", object_id=2, summary="marker-person-2")
    _event(coordinator, "view", object_type="organizations", object_id=1, summary="marker-org")
    assert _summaries(as_coordinator.get(f"/audit/?{query}")) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("date_from=2025-03-02", ["marker-mar-03", "marker-mar-02"]),
    ("date_to=2025-03-02", ["marker-mar-02", "marker-mar-01"]),
    ("date_from=2025-03-02&date_to=2025-03-02", ["marker-mar-02"]),
])
def test_the_audit_log_filters_by_date_range(as_coordinator, coordinator, query, expected):
    for day in (1, 2, 3):
        _event(coordinator, summary=f"marker-mar-0{day}",
               when=datetime(2025, 3, day, 23, 59, tzinfo=UTC))
    assert _summaries(as_coordinator.get(f"/audit/?{query}")) == expected


def test_the_filter_lists_offer_the_object_types_and_actions_present(as_coordinator,
                                                                    coordinator):
    _event(coordinator, "print", object_type="fatality_cases", object_id=3)
    html = as_coordinator.get("/audit/").get_data(as_text=True)
    assert '<option value="fatality_cases">fatality_cases</option>' in html
    assert '<option value="print">print</option>' in html


@pytest.mark.parametrize(("query", "message"), [
    ("date_from=2025-13-01", "Enter a real date, like 2025-03-31."),
    ("date_to=yesterday", "Enter a real date, like 2025-03-31."),
    ("date_from=0001-01-01", "Enter a date between 1900 and 2100."),
    ("date_to=9999-12-31", "Enter a date between 1900 and 2100."),
    ("date_from=2025-03-02&date_to=2025-03-01", "The end date is before the start date."),
    ("object_id=abc", "Not a valid integer value."),
    ("object_id=99999999999999999999", "Enter an id number."),
    ("user_id=abc", NO_SUCH_ACCOUNT),
    ("user_id=999999", NO_SUCH_ACCOUNT),
    ("user=" + "x" * 201, "Field cannot be longer than 200 characters."),
    ("object_type=nothing_like_this", "Choose an object type from the list."),
])
def test_bad_filters_get_a_message_at_the_field(as_coordinator, query, message):
    response = as_coordinator.get(f"/audit/?{query}")
    assert response.status_code == 400
    assert re.search(r'class="invalid-feedback d-block">[^<]*' + re.escape(message),
                     response.get_data(as_text=True))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(
    st.sampled_from(["user_id", "user", "object_type", "object_id", "action", "date_from",
                     "date_to", "page"]),
    st.text(max_size=40)))
def test_random_filters_never_cause_an_error(as_coordinator, params):
    assert as_coordinator.get("/audit/", query_string=params).status_code in (200, 400, 404)


def test_the_audit_log_is_paginated(app, as_coordinator, coordinator):
    for number in range(app.config["PAGE_SIZE"] + 1):
        _event(coordinator, summary=f"marker-{number:03d}")
    first = _summaries(as_coordinator.get("/audit/"))
    second = _summaries(as_coordinator.get("/audit/?page=2"))
    assert len(first) == app.config["PAGE_SIZE"] and second == ["marker-000"]


def test_the_filters_choices_follow_a_new_kind_of_row(as_coordinator, coordinator,
                                                     monkeypatch):
    """The object types and actions offered are read at most once a minute; a value written
    since is offered when a request asks for it, and to everyone once the minute is over."""
    from coalition.core import views

    def offered(html: str) -> list[str]:
        select_ = html.split('id="action"', 1)[1].split("</select>", 1)[0]
        return re.findall(r'<option[^>]*value="([^"]*)"', select_)

    _event(coordinator, "kind-old", summary="marker-old")
    assert "kind-old" in offered(as_coordinator.get("/audit/").get_data(as_text=True))
    _event(coordinator, "kind-new", summary="marker-new")
    assert "kind-new" not in offered(
        as_coordinator.get("/audit/").get_data(as_text=True))  # kept: read a moment ago
    asked = as_coordinator.get("/audit/?action=kind-new")
    assert asked.status_code == 200 and _summaries(asked) == ["marker-new"]
    assert "kind-new" in offered(asked.get_data(as_text=True))
    _event(coordinator, "kind-newer", summary="marker-newer")
    monkeypatch.setattr(views, "AUDIT_VALUES_SECONDS", 0)
    assert "kind-newer" in offered(as_coordinator.get("/audit/").get_data(as_text=True))


def test_a_long_audit_log_is_counted_only_a_few_pages_ahead(app, as_coordinator, coordinator,
                                                            monkeypatch):
    from coalition.core import views
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "AUDIT_COUNT_UP_TO", 5)
    for number in range(20):
        _event(coordinator, summary=f"marker-{number:03d}")
    html = as_coordinator.get("/audit/").get_data(as_text=True)
    # counted up to five pages past the first: "more than", and no last page to jump to
    assert "More than 12 in all, page 1." in html
    assert 'href="/audit/?page=2">Next</a>' in html
    assert ">6</a>" not in html
    # further on, the count goes further
    html = as_coordinator.get("/audit/?page=4").get_data(as_text=True)
    assert "More than 18 in all, page 4." in html
    assert _summaries(as_coordinator.get("/audit/?page=4")) == ["marker-013", "marker-012"]
    # near the end it is exact (the 20 rows and those of the coordinator's sign-in), and the
    # last page is the last
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert total in (21, 22)
    html = as_coordinator.get("/audit/?page=6").get_data(as_text=True)
    assert f"{total} in all, page 6 of 11." in html
    assert _summaries(as_coordinator.get("/audit/?page=10")) == ["marker-001", "marker-000"]
    # a page past the end shows the last one
    html = as_coordinator.get("/audit/?page=99").get_data(as_text=True)
    assert f"{total} in all, page 11 of 11." in html and "signed in" in html
    # a short list is counted exactly
    html = as_coordinator.get("/audit/?user=nobody-like-this").get_data(as_text=True)
    assert "0 in all." in html


# --- the queries behind the screen, against their straightforward definitions ------------------

def _varied_rows(make_user):
    users = [make_user(name=f"User {n}") for n in range(3)]
    values = [None, "view", "View", "export", "a", "zz", "view ", "é-accent", "print"]
    for n in range(60):
        audit.log(users[n % 3] if n % 4 else None, values[1:][n % 8] + ("" if n % 5 else "x"),
                  object_type=values[n % 9], object_id=n,
                  case_table=[None, 1, 2, 3, 7][n % 5])
    db.session.commit()


def test_the_distinct_values_are_those_of_select_distinct(make_user):
    _varied_rows(make_user)
    for column in (AuditEvent.object_type, AuditEvent.action):
        expected = list(db.session.scalars(select(column).where(column.is_not(None))
                                           .distinct().order_by(column)))
        assert audit.distinct_values(column) == expected
        assert len(expected) > 3


def test_the_distinct_values_of_an_empty_log_are_none(app):
    assert audit.distinct_values(AuditEvent.action) == []


@pytest.mark.parametrize("tables", [set(), {1}, {2, 3}, {1, 2, 3, 7}, {99}])
def test_the_rows_visible_to_a_viewer_are_the_ones_need_to_know_allows(make_user, tables):
    _varied_rows(make_user)
    from sqlalchemy import or_
    expected = set(db.session.scalars(select(AuditEvent.id).where(or_(
        AuditEvent.case_table_id.is_(None), AuditEvent.case_table_id.in_(tables or [-1])))))
    assert set(db.session.scalars(audit.events_query(case_tables=tables)
                                  .with_only_columns(AuditEvent.id))) == expected
    assert {row.case_table_id for row in db.session.scalars(
        audit.events_query(case_tables=tables))} == {None} | (tables & {1, 2, 3, 7})


@pytest.mark.parametrize("role", ["member", "leader"])
def test_only_coordinators_read_the_audit_log(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/audit/").status_code == 403


def test_no_audit_route_accepts_anything_but_reading(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/audit")]
    assert rules
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_methods_on_the_audit_log_are_not_allowed(as_coordinator, method):
    assert as_coordinator.open("/audit/", method=method, data={}).status_code == 405


# --- append-only ------------------------------------------------------------------------------

def test_an_audit_row_cannot_be_updated_through_the_orm(coordinator):
    row = _event(coordinator, summary="original")
    row.summary = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, row.id).summary == "original"


def test_an_audit_row_cannot_be_deleted_through_the_orm(coordinator):
    row = _event(coordinator)
    db.session.delete(row)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, row.id) is not None


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET summary = 'rewritten' WHERE id = :id",
    "DELETE FROM audit_events WHERE id = :id",
])
def test_the_database_refuses_to_change_audit_rows(coordinator, statement):
    row_id = _event(coordinator, summary="original").id
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement), {"id": row_id})
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.id == row_id)) == (
        "original")
    assert db.session.scalar(select(func.count(AuditEvent.id))) >= 1


@pytest.mark.parametrize("limit", [1, 4, 25, 200])
def test_an_accounts_recent_events_are_the_newest_by_or_about_it(make_user, limit):
    from sqlalchemy import or_

    from coalition.core import accounts

    users = [make_user(name=f"Person {n}") for n in range(3)]
    for n in range(90):  # rows by the account, about it, both, neither; some of case tables
        about = users[n % 3] if n % 2 else users[(n + 1) % 3]
        audit.log(users[n % 3] if n % 5 else None, "update", about,
                  case_table=[None, 1, None, 2][n % 4])
    db.session.commit()
    viewer = make_user("coordinator")
    subject = users[0]
    visible = audit.visible_to(audit.case_tables_of(viewer))
    by_or_about = select(AuditEvent.id).where(or_(
        (AuditEvent.object_type == audit.object_type_of(subject))
        & (AuditEvent.object_id == subject.id),
        AuditEvent.user_id == subject.id), visible)
    total = len(list(db.session.scalars(by_or_about)))
    expected = list(db.session.scalars(by_or_about.order_by(AuditEvent.id.desc()).limit(limit)))
    shown = [row.id for row in db.session.scalars(accounts.recent_events(viewer, subject, limit))]
    assert shown == expected
    assert 25 < total < 200 and len(shown) == min(limit, total)


def test_the_filter_lists_follow_the_log_and_keep_its_order(as_coordinator, coordinator,
                                                            monkeypatch):
    """Both lists come from one statement, in the database's order; once their keep time is
    over (activity rows do not count as a data change), they are read afresh."""
    from coalition.core import views

    as_coordinator.get("/audit/")
    monkeypatch.setattr(views, "AUDIT_VALUES_SECONDS", 0)
    _event(coordinator, "export", object_type="a_new_kind_of_thing", object_id=1)
    html = as_coordinator.get("/audit/").get_data(as_text=True)
    for name, column in (("object_type", AuditEvent.object_type),
                         ("action", AuditEvent.action)):
        select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)[0]
        assert re.findall(r'<option value="([^"]+)"', select_html) == \
            audit.distinct_values(column)
    assert '<option value="a_new_kind_of_thing">' in html


def test_a_new_seat_opens_its_tables_rows_at_once(as_coordinator, coordinator, make_table,
                                                  make_org, make_person, seat):
    team = make_table("ofr")
    row = audit.log(None, "view", object_type="fatality_cases", object_id=1,
                    summary="marker-seated", case_table=team)
    db.session.commit()
    assert "marker-seated" not in _summaries(as_coordinator.get("/audit/"))
    person = make_person()
    coordinator.person = person
    seat(person, team, make_org())  # commits: the viewer's kept case tables are stale
    assert "marker-seated" in _summaries(as_coordinator.get(f"/audit/?object_id={row.object_id}"))


def test_a_read_is_logged_with_the_same_columns_as_any_row(app, coordinator, make_table):
    """log_read writes its row at once; the row is what log would have written."""
    team = make_table("ofr")
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        audit.log_read(coordinator, "view", team, summary="marker-read", case_table=team.id)
        audit.log(coordinator, "view", team, summary="marker-logged", case_table=team)
        db.session.commit()
    read, logged = (db.session.scalars(select(AuditEvent).where(AuditEvent.summary == summary))
                    .one() for summary in ("marker-read", "marker-logged"))
    columns = ("user_id", "actor_label", "action", "object_type", "object_id",
               "client_address", "case_table_id")
    assert [getattr(read, c) for c in columns] == [getattr(logged, c) for c in columns]
    assert read.client_address == "203.0.113.9" and read.case_table_id == team.id
    assert abs(read.occurred_at - logged.occurred_at).total_seconds() < 60
