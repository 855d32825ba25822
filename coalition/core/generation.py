"""The data generation: a number that grows with every committed transaction that changed data.

Whatever is computed from the data and kept between requests (the dashboard's cards) is keyed by
it, so a change made by anyone, in any worker process or host sharing the database, makes every
such result stale at once. Rows that record activity rather than data (the audit log, sessions,
login failures, report runs) do not count: reading a case writes an audit row, and that must not
throw the cache away.

Changes are noticed in the ORM session: objects flushed, and INSERT/UPDATE/DELETE statements
executed through the session (bulk statements and textual SQL included). The number is raised in
the same transaction just before it commits, so it is never raised for work that rolls back, and
never left behind by work that commits.
"""

from __future__ import annotations

import re
from itertools import chain

from flask import g, has_request_context
from sqlalchemy import TextClause, event, select
from sqlalchemy.orm import Session

from coalition.core.db import db
from coalition.core.models import DataGeneration

ACTIVITY_TABLES = frozenset({"audit_events", "user_sessions", "login_failures", "report_runs",
                             "data_generation"})
_CHANGED = "data_changed"
_TEXT_DML = re.compile(r"^\s*(insert|update|delete|replace)\b", re.I)


def generation_column():
    """A scalar subquery of the current generation, for a query that is made anyway (the
    session lookup reads it with the signed-in user: no query of its own)."""
    return select(DataGeneration.value).where(DataGeneration.id == 1).scalar_subquery()


def note_generation(value: int | None) -> None:
    """Remember the generation read at the start of this request (see generation_column)."""
    g.data_generation = value or 0


def current_generation() -> int:
    """The current generation (0 if the row is missing).

    The value read with the session is used while this transaction has changed nothing; once
    it has (or has committed a change), the row is read again."""
    if has_request_context() and not db.session.info.get(_CHANGED):
        known = g.get("data_generation")
        if known is not None:
            return known
    return db.session.scalar(select(DataGeneration.value).where(DataGeneration.id == 1)) or 0


def has_pending_changes() -> bool:
    """Whether this transaction has changed data not yet committed (what is kept per
    generation must then be computed afresh, not read or stored)."""
    session = db.session
    return bool(session.info.get(_CHANGED)) or _any_counted(
        chain(session.new, session.dirty, session.deleted))


def _any_counted(objects) -> bool:
    return any(_counts(getattr(getattr(obj, "__table__", None), "name", None))
               for obj in objects)


def _counts(table_name: str | None) -> bool:
    return table_name not in ACTIVITY_TABLES


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(session, flush_context, instances):
    if _any_counted(chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state):
    statement = state.statement
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(statement, "table", None)
        if _counts(getattr(table, "name", None)):
            state.session.info[_CHANGED] = True
    elif isinstance(statement, TextClause) and _TEXT_DML.match(statement.text):
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _raise_generation(session):
    if session.get_nested_transaction() is not None:
        return  # a savepoint: the outer transaction's commit raises it
    session.flush()  # what is still pending is flushed now, so it is seen below
    if session.info.pop(_CHANGED, False):
        session.execute(_raise_statement(session.get_bind().dialect.name))
        if has_request_context():
            g.pop("data_generation", None)  # read again after this commit


def _raise_statement(dialect: str):
    """value + 1 in one statement, making the row if it is missing (a truncated table)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(DataGeneration).values(id=1, value=1)
    return statement.on_conflict_do_update(
        index_elements=[DataGeneration.id], set_={"value": DataGeneration.value + 1})


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None:  # the whole transaction ended (committed or rolled back)
        session.info.pop(_CHANGED, None)
