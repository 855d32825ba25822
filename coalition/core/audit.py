"""The append-only audit log. Services call :func:`log`; nothing updates or deletes a row.

Rows name objects by type, id and code; what people typed about a case never goes into a
summary. A row about case material carries the table whose need-to-know covers it
(``case_table_id``): the audit screen shows such rows only to coordinators seated at that table.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

from flask import has_request_context, request
from sqlalchemy import bindparam, event, func, insert, or_, select

from coalition.core.db import UTC, db, utcnow
from coalition.core.models import AuditEvent, User

SYSTEM_LABEL = "system"
_case_tables_of = [lambda user: set()]


def set_case_tables_provider(provider) -> None:
    """How to know the tables whose case material a user may see (the roster registers it:
    ``core`` knows no seat)."""
    _case_tables_of[0] = provider


def case_tables_of(user) -> set[int]:
    return set(_case_tables_of[0](user))


def client_address() -> str | None:
    """The requesting client's address, or None outside a request (CLI, tests of services).

    Behind a reverse proxy this is the address the proxy reports, as far as ``PROXY_COUNT``
    trusted proxies vouch for it (``werkzeug``'s ProxyFix, set up in ``core.http``).
    """
    if has_request_context():
        return (request.remote_addr or "")[:64] or None
    return None


def object_type_of(obj) -> str:
    return getattr(obj, "__tablename__", type(obj).__name__.lower())


def _table_id(case_table) -> int | None:
    if case_table is None or isinstance(case_table, int):
        return case_table
    return case_table.id


def log(actor: User | None, action: str, obj=None, summary: str = "", *,
        object_type: str | None = None, object_id: int | None = None,
        actor_label: str | None = None, case_table=None) -> AuditEvent:
    """Add one audit row to the current transaction (the caller commits it with the change).

    ``obj`` is any mapped object; it is flushed first so new objects have their id.
    ``case_table`` (a table or its id) marks a row about that table's case material.
    """
    if obj is not None:
        if obj.id is None:
            db.session.flush()
        object_type = object_type or object_type_of(obj)
        object_id = obj.id
    row = AuditEvent(
        user_id=actor.id if actor is not None else None,
        actor_label=(actor_label or (actor.email if actor is not None else SYSTEM_LABEL))[:254],
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:4000],
        client_address=client_address(),
        case_table_id=_table_id(case_table),
    )
    db.session.add(row)
    return row


def log_read(actor: User, action: str, obj, summary: str, *, case_table) -> None:
    """One audit row for a read of case material (a page shown, a list exported), written at
    once by one INSERT.

    A read changes nothing else, so the row needs none of the unit of work that :func:`log`
    goes through (about a tenth of a case page's time on PostgreSQL); the caller commits it.
    The statement is built once with its values as parameters (:func:`_read_row`). ``obj``
    must already have its id."""
    db.session.execute(_read_row(), {
        "occurred_at": utcnow(), "user_id": actor.id, "actor_label": actor.email[:254],
        "action": action, "object_type": object_type_of(obj), "object_id": obj.id,
        "summary": summary[:4000], "client_address": client_address(),
        "case_table_id": _table_id(case_table)})


@cache
def _read_row():
    """The INSERT of :func:`log_read`, built once: every audited read runs it."""
    return insert(AuditEvent.__table__).values(
        {name: bindparam(name, type_=AuditEvent.__table__.c[name].type) for name in (
            "occurred_at", "user_id", "actor_label", "action", "object_type", "object_id",
            "summary", "client_address", "case_table_id")})


def describe_changes(before: dict, after: dict) -> str:
    """A short human summary of which fields changed: ``name: 'A' → 'B'; phone changed``."""
    parts = []
    for key, new in after.items():
        old = before.get(key)
        if old == new:
            continue
        if isinstance(new, str) and len(new) > 60 or isinstance(old, str) and len(old or "") > 60:
            parts.append(f"{key} changed")
        else:
            parts.append(f"{key}: {old!r} → {new!r}")
    return "; ".join(parts) or "no changes"


def visible_to(case_tables: set[int] | None):
    """The rows a viewer seated at ``case_tables`` may read: those about no case material, and
    those about the material of one of these tables.

    That is ``case_table_id IS NULL OR case_table_id IN (...)``, written as one expression
    (table ids start at 1) so that no index on ``case_table_id`` applies: SQLite would otherwise
    merge that index for the whole log and sort it, where walking the log newest first stops
    at the page.
    """
    return func.coalesce(AuditEvent.case_table_id, 0).in_([0, *sorted(case_tables or ())])


def events_query(*, case_tables: set[int] | None = None, user_id: int | None = None,
                 user: str | None = None,
                 object_type: str | None = None, object_id: int | None = None,
                 action: str | None = None, date_from: date | None = None,
                 date_to: date | None = None):
    """The filtered audit list, newest first (used by the audit screen). Rows about case
    material appear only when their table is in ``case_tables`` (the viewer's seats).
    ``user`` keeps the rows of the accounts whose name or e-mail contains it."""
    # Rows are only ever appended, so the key orders them by time and the primary key index
    # serves the sort however large the log grows.
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    stmt = stmt.where(visible_to(case_tables))
    if user_id is not None:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if user:
        needle = user.lower()
        stmt = stmt.where(AuditEvent.user_id.in_(
            select(User.id).where(or_(func.lower(User.name).contains(needle, autoescape=True),
                                      func.lower(User.email).contains(needle,
                                                                      autoescape=True)))))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if date_from is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= datetime.combine(date_from, time(), UTC))
    if date_to is not None:
        end = datetime.combine(date_to + timedelta(days=1), time(), UTC)
        stmt = stmt.where(AuditEvent.occurred_at < end)
    return stmt


def distinct_values(column) -> list[str]:
    """The distinct non-empty values of an indexed audit column, in order (the audit screen's
    filter choices).

    A loose index scan: each step asks the column's index for the next value above the last
    one, so the cost follows the number of distinct values, not the number of rows (which only
    grows). ``SELECT DISTINCT`` would read the whole log on every visit.
    """
    steps = select(func.min(column).label("value")).cte("distinct_values", recursive=True)
    following = select(func.min(column)).where(column > steps.c.value).scalar_subquery()
    steps = steps.union_all(select(following).where(steps.c.value.is_not(None)))
    return list(db.session.scalars(select(steps.c.value).where(steps.c.value.is_not(None))
                                   .order_by(steps.c.value)))


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise RuntimeError("audit rows are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise RuntimeError("audit rows are append-only")
