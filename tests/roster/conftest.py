"""Fixtures and helpers for the roster tests."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from coalition.core.models import AuditEvent
from coalition.core.vocab import term_by_code
from coalition.extensions import db


@pytest.fixture
def coordinator(make_user):
    return make_user("coordinator", name="Casey Coordinator")


@pytest.fixture
def as_coordinator(client, login, coordinator):
    """The shared ``client``, signed in as a coordinator."""
    return login(coordinator)


def count(model) -> int:
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


def sector_id(code: str) -> str:
    return str(term_by_code("sector", code).id)


def error_for(html: str, field_id: str) -> str:
    """The error text shown next to the field ``field_id`` (empty if none)."""
    match = re.search(rf'<div id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1).strip() if match else ""


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    assert match, f"no hidden {name} field on the page"
    return match.group(1)


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
