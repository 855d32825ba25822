"""Fixtures shared by the whole suite.

The suite runs on SQLite by default and on PostgreSQL when ``COALITION_TEST_DATABASE_URL`` is set
(a fresh, empty database: the tables are created once and emptied before every test).
CSRF protection stays on: ``client`` adds a valid token to form posts, ``raw_client`` does not.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from contextlib import contextmanager

import pytest
from flask import g, request_started
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, func, select, text

from coalition import create_app
from coalition.core.accounts import create_user
from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.core.vocab import seed_vocabularies, term_by_code
from coalition.extensions import db

PG_URL = os.environ.get("COALITION_TEST_DATABASE_URL")
TEST_PASSWORD = "correct horse battery staple"

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_PARALLELISM": 1,
    "SERVER_NAME": "localhost",
    "REPORT_RENDERING": "inline",  # one test renders off the request path and waits
}

_pg_schema_ready = False


def _prepare_postgresql(app):
    global _pg_schema_ready
    with app.app_context():
        if not _pg_schema_ready:
            db.drop_all()
            db.session.execute(text("DROP FUNCTION IF EXISTS audit_events_append_only() CASCADE"))
            db.session.commit()
            db.create_all()
            _pg_schema_ready = True
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture
def app_config(tmp_path):
    """Override to change configuration for one test module."""
    return {}


def _clear_request_globals(sender, **extra):
    for name in list(g):
        g.pop(name, None)


@pytest.fixture
def app(tmp_path, app_config, monkeypatch):
    """The application, with its context pushed for the whole test (so tests can use the session).

    Flask reuses a pushed application context for test requests, so ``g`` (where Flask-Login
    caches the signed-in user) is emptied when each request starts, as it is in production.
    """
    for name in list(os.environ):
        if name.startswith("COALITION_") and name != "COALITION_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("COALITION_INSTANCE_PATH", str(tmp_path / "instance"))
    config = dict(BASE_CONFIG)
    config["SQLALCHEMY_DATABASE_URI"] = PG_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    config.update(app_config)
    application = create_app(config)
    application.test_client_class = CSRFClient
    if PG_URL:
        _prepare_postgresql(application)
    with application.app_context():
        if not PG_URL:
            db.create_all()
        seed_vocabularies()
        db.session.commit()
        request_started.connect(_clear_request_globals, application)
        yield application
        request_started.disconnect(_clear_request_globals, application)
        db.session.remove()
        db.engine.dispose()


class CSRFClient(FlaskClient):
    """A test client that fills in a valid CSRF token on POSTs that carry form data."""

    add_csrf = True

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = hashlib.sha256(os.urandom(64)).hexdigest()
                session["csrf_token"] = raw
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def open(self, *args, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if self.add_csrf and method == "POST" and "json" not in kwargs:
            data = kwargs.get("data")
            if data is None:
                data = {}
            if isinstance(data, dict) and "csrf_token" not in data:
                data = dict(data, csrf_token=self.csrf_token())
            kwargs["data"] = data
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def raw_client(app):
    """A client that sends no CSRF token, like a forged cross-site request."""
    test_client = app.test_client()
    test_client.add_csrf = False
    return test_client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


# --- helpers every test package uses ------------------------------------------------------------

def count(model) -> int:
    """How many rows ``model`` has."""
    return db.session.scalar(select(func.count()).select_from(model))


def audit_rows(action: str | None = None, object_type: str | None = None,
               object_id: int | None = None) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    return list(db.session.scalars(stmt))


@contextmanager
def counting_queries():
    """Count the SQL statements run inside the block: ``with counting_queries() as seen:``."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def error_for(html: str, field_id: str) -> str:
    """The error text shown next to the field ``field_id`` (empty if none)."""
    match = re.search(rf'<div id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1).strip() if match else ""


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    assert match, f"no hidden {name} field on the page"
    return match.group(1)


def sector_id(code: str) -> str:
    return str(term_by_code("sector", code).id)


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", name="Casey Coordinator")


@pytest.fixture
def as_coordinator(client, login, coordinator):
    """The shared ``client``, signed in as a coordinator."""
    return login(coordinator)


@pytest.fixture
def today(app):
    """The coalition's date (never the host's: the suite runs in any time zone)."""
    return local_today()


@pytest.fixture
def make_user(app):
    def factory(role: str = "member", *, name: str | None = None, email: str | None = None,
                person=None, password: str = TEST_PASSWORD, must_change: bool = False):
        n = next(_counter)
        user, _ = create_user(None, name=name or f"Test {role.title()} {n}",
                              email=email or f"{role}{n}@example.test", site_role=role,
                              person_id=person.id if person is not None else None,
                              password=password)
        user.must_change_password = must_change
        db.session.commit()
        return user
    return factory


@pytest.fixture
def login(client):
    """Sign ``user`` in on the shared ``client``; returns the client."""
    def do_login(user, password: str = TEST_PASSWORD, test_client=None):
        target = test_client or client
        response = target.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return target
    return do_login


@pytest.fixture
def make_org(app):
    from coalition.roster.models import Organization

    def factory(name: str | None = None, sector: str = "public_health", **fields):
        n = next(_counter)
        name = name or f"Test Organization {n}"
        org = Organization(name=name, name_key=name.casefold(),
                           sector=term_by_code("sector", sector), **fields)
        db.session.add(org)
        db.session.commit()
        return org
    return factory


@pytest.fixture
def make_person(app):
    from coalition.roster.models import Affiliation, Person

    def factory(name: str | None = None, *, organizations=(), **fields):
        n = next(_counter)
        person = Person(name=name or f"Person {n}", **fields)
        db.session.add(person)
        for org in organizations:
            db.session.add(Affiliation(person=person, organization=org))
        db.session.commit()
        return person
    return factory


@pytest.fixture
def make_table(app):
    from coalition.roster.models import CoalitionTable

    def factory(kind: str = "coalition", name: str | None = None, **fields):
        n = next(_counter)
        name = name or f"Test {kind} table {n}"
        table = CoalitionTable(name=name, name_key=name.casefold(), kind=kind, **fields)
        db.session.add(table)
        db.session.commit()
        return table
    return factory


@pytest.fixture
def seat(app):
    """Seat a person at a table for an organization (adding the affiliation if needed)."""
    from coalition.roster.models import Affiliation, TableMembership

    def factory(person, table, organization, role: str = "member"):
        if not any(a.organization_id == organization.id for a in person.affiliations):
            db.session.add(Affiliation(person=person, organization=organization))
        membership = TableMembership(person=person, table=table, organization=organization,
                                     role=role)
        db.session.add(membership)
        db.session.commit()
        return membership
    return factory


@pytest.fixture
def make_meeting(app, make_table):
    """A meeting of ``table`` (a new coalition table by default), one hour, a week from now."""
    from datetime import timedelta

    from coalition.core.db import utcnow
    from coalition.meetings.models import Meeting

    def factory(table=None, *, starts_at=None, minutes: int = 60, status: str = "scheduled",
                title: str | None = None, **fields):
        table = table or make_table()
        starts_at = starts_at or (utcnow() + timedelta(days=7)).replace(
            minute=0, second=0, microsecond=0)
        meeting = Meeting(table=table, title=title or f"{table.name} meeting",
                          starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                          status=status, **fields)
        db.session.add(meeting)
        db.session.commit()
        return meeting
    return factory


@pytest.fixture
def make_agenda_item(app):
    """An agenda item at the end of ``meeting`` (or in ``table``'s backlog when no meeting)."""
    from coalition.meetings.models import AgendaItem

    def factory(meeting=None, *, table=None, title: str | None = None,
                item_type: str = "public", planned_minutes: int = 10, **fields):
        table = table or meeting.table
        position = len(meeting.items) if meeting is not None else 0
        item = AgendaItem(table=table, meeting=meeting, position=position,
                          title=title or f"Item {next(_counter)}", item_type=item_type,
                          planned_minutes=planned_minutes, **fields)
        db.session.add(item)
        db.session.commit()
        return item
    return factory


@pytest.fixture
def make_action_item(app):
    """An open action item from ``meeting`` owned by ``owner`` (a Person), due in a week."""
    from datetime import timedelta

    from coalition.actions.models import ActionItem

    def factory(meeting, owner, *, due_on=None, title: str | None = None,
                status: str = "open", agenda_item=None, organization=None, **fields):
        fields.setdefault("is_case", agenda_item is not None and agenda_item.item_type == "case")
        item = ActionItem(title=title or f"Action {next(_counter)}", owner=owner,
                          organization=organization, table=meeting.table,
                          source_meeting_id=meeting.id, source_agenda_item=agenda_item,
                          due_on=due_on or local_today() + timedelta(days=7), status=status,
                          **fields)
        db.session.add(item)
        db.session.commit()
        return item
    return factory


@pytest.fixture
def make_situation(app):
    """A new (undecided) risk situation at ``table`` brought by ``organization``."""
    from coalition.risk.models import RiskSituation

    def factory(table, organization, *, status: str = "new", code: str | None = None,
                summary: str = "Adult male, overdose last weekend, no stable housing.",
                **fields):
        n = next(_counter)
        values = {"level": "individual", "age_range": "25_34", "consent_status": "verbal"}
        values.update(fields)
        situation = RiskSituation(
            table=table, originating_organization=organization, status=status,
            code=code or f"RS-TEST-{n:04d}", referral_source="ems",
            presented_on=values.pop("presented_on", local_today()), summary=summary, **values)
        db.session.add(situation)
        db.session.commit()
        return situation
    return factory
