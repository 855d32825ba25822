"""Who sits at a table, for which organization, as member or manager: the one place that asks.

Permissions, forms (owners, facilitators, agencies), the attendance list and the services all
use these functions. One page asks about the same table several times: within a request a
person's seat at a table is looked up once (seats are not changed and then checked again in one
request). Outside a request's own uncommitted changes a seat is also kept per worker until the
data changes (core.kept): any change to a seat raises the data generation, so a kept seat is
never one that was changed or removed.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from flask import g, has_request_context
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import make_transient_to_detached, selectinload
from sqlalchemy.orm.util import identity_key

from coalition.core.db import db, valid_id
from coalition.core.errors import ServiceError
from coalition.core.kept import kept
from coalition.core.permissions import person_id_of
from coalition.roster.models import CoalitionTable, Organization, Person, TableMembership


class Seat(NamedTuple):
    role: str
    organization_id: int


def _table_id(table) -> int | None:
    return table if isinstance(table, int) else getattr(table, "id", None)


def _request_cache(name: str) -> dict:
    return g.setdefault(name, {}) if has_request_context() else {}


def seat_of(user, table) -> Seat | None:
    """The user's person's seat at ``table`` (a table or its id), or None."""
    person_id, table_id = person_id_of(user), _table_id(table)
    if person_id is None or table_id is None:
        return None
    cache = _request_cache("_seats")
    key = (person_id, table_id)
    if key not in cache:
        cache[key] = kept("seat", key, lambda: _read_seat(person_id, table_id)) \
            if has_request_context() else _read_seat(person_id, table_id)
    return cache[key]


def _read_seat(person_id: int, table_id: int) -> Seat | None:
    row = db.session.execute(
        select(TableMembership.role, TableMembership.organization_id).where(
            TableMembership.table_id == table_id, TableMembership.person_id == person_id)
    ).first()
    return Seat(row.role, row.organization_id) if row is not None else None


def table_with_seat(user, table_id: int) -> CoalitionTable | None:
    """The table ``table_id`` (None if there is none) read with the user's seat at it in one
    query: :func:`seat_of` then answers from the request's cache, and ``session.get`` of the
    table from the session.

    In a request both are kept until the data changes (core.kept): the table as a detached
    copy of its columns, put into the session without a query (``merge(load=False)``), so a
    table page that reads nothing else of the table makes no query for it."""
    person_id = person_id_of(user)
    if person_id is None:
        return db.session.get(CoalitionTable, table_id)
    if has_request_context():
        found = kept("table_with_seat", (person_id, table_id),
                     lambda: _read_table_with_seat(person_id, table_id, copy=True))
    else:
        found = _read_table_with_seat(person_id, table_id, copy=False)
    if found is None:
        return None
    table, seat = found
    _request_cache("_seats")[(person_id, table.id)] = seat
    present = db.session.identity_map.get(identity_key(CoalitionTable, table.id))
    if present is not None:
        return present
    return db.session.merge(table, load=False)


def _read_table_with_seat(person_id: int, table_id: int, *, copy: bool):
    """``(table, seat)``, the table a detached copy of its columns with ``copy``; or None."""
    row = db.session.execute(_table_with_seat_statement(),
                             {"table_id": table_id, "person_id": person_id}).first()
    if row is None:
        return None
    table, role, organization_id = row
    seat = Seat(role, organization_id) if role is not None else None
    if copy:
        table = CoalitionTable(**{key: getattr(table, key) for key in _table_columns()})
        make_transient_to_detached(table)
    return table, seat


@cache
def _table_columns() -> tuple[str, ...]:
    """The names of a table's column attributes (asked once the mappers are configured)."""
    return tuple(column.key for column in inspect(CoalitionTable).column_attrs)


@cache
def _table_with_seat_statement():
    return (select(CoalitionTable, TableMembership.role, TableMembership.organization_id)
            .outerjoin(TableMembership, (TableMembership.table_id == CoalitionTable.id)
                       & (TableMembership.person_id == bindparam("person_id")))
            .where(CoalitionTable.id == bindparam("table_id")))


def table_role(user, table) -> str | None:
    """``member`` or ``manager`` at ``table``, or None when the user's person is not seated."""
    seat = seat_of(user, table)
    return seat.role if seat is not None else None


def seat_organization_id(user, table) -> int | None:
    """The organization the user's person sits for at ``table`` (None if not seated)."""
    seat = seat_of(user, table)
    return seat.organization_id if seat is not None else None


def table_ids_of(user) -> set[int]:
    """Ids of the tables the user's person sits at."""
    person_id = person_id_of(user)
    if person_id is None:
        return set()
    cache = _request_cache("_seated_tables")
    if person_id not in cache:
        read = lambda: frozenset(db.session.scalars(  # noqa: E731
            select(TableMembership.table_id).where(TableMembership.person_id == person_id)))
        cache[person_id] = set(kept("seated_tables", person_id, read)
                               if has_request_context() else read())
    return cache[person_id]


def tables_of(user, kind: str | None = None) -> list[CoalitionTable]:
    """The tables the user's person sits at (of one ``kind``, if given), by name; one query per
    request, whatever the kinds asked for (and :func:`seat_of` is answered from it too)."""
    person_id = person_id_of(user)
    if person_id is None:
        return []
    cache = _request_cache("_seated_table_rows")
    if person_id not in cache:
        seats = _request_cache("_seats")
        tables: dict[int, CoalitionTable] = {}
        for table, role, organization_id in db.session.execute(
                select(CoalitionTable, TableMembership.role, TableMembership.organization_id)
                .join(TableMembership, TableMembership.table_id == CoalitionTable.id)
                .where(TableMembership.person_id == person_id)
                .order_by(CoalitionTable.name, CoalitionTable.id, TableMembership.id)):
            if table.id not in tables:
                tables[table.id] = table
                seats.setdefault((person_id, table.id), Seat(role, organization_id))
        cache[person_id] = list(tables.values())
    return [table for table in cache[person_id] if kind is None or table.kind == kind]


# --- who sits at a table ------------------------------------------------------------------------

def seats_at(table) -> list[TableMembership]:
    """The seats of ``table`` by person name, with the person and organization (and its sector)
    loaded."""
    return list(db.session.scalars(
        select(TableMembership)
        .join(Person, Person.id == TableMembership.person_id)
        .where(TableMembership.table_id == _table_id(table))
        .options(selectinload(TableMembership.person),
                 selectinload(TableMembership.organization).selectinload(Organization.sector))
        .order_by(Person.name, TableMembership.id)))


def people_at(table, *, active_only: bool = True) -> list[tuple[int, str]]:
    """``(person id, name)`` of the people seated at ``table``, by name."""
    stmt = (select(Person.id, Person.name)
            .join(TableMembership, TableMembership.person_id == Person.id)
            .where(TableMembership.table_id == _table_id(table)))
    if active_only:
        stmt = stmt.where(Person.is_active.is_(True))
    return [(person_id, name) for person_id, name in
            db.session.execute(stmt.order_by(Person.name, Person.id))]


def organizations_at(table) -> list[Organization]:
    """The organizations that have someone seated at ``table``, by name."""
    seated = select(TableMembership.organization_id).where(
        TableMembership.table_id == _table_id(table))
    return list(db.session.scalars(
        select(Organization).where(Organization.id.in_(seated)).order_by(Organization.name)))


def organization_ids_at(table) -> set[int]:
    return set(db.session.scalars(select(TableMembership.organization_id).where(
        TableMembership.table_id == _table_id(table))))


def find_seat(table, person_id) -> TableMembership | None:
    """The seat of the person ``person_id`` at ``table`` (None for anything else)."""
    person_id = valid_id(person_id)
    if person_id is None:
        return None
    return db.session.scalar(select(TableMembership).where(
        TableMembership.table_id == _table_id(table), TableMembership.person_id == person_id))


def require_seat(table, person_id, *, field: str | None, message: str,
                 active: bool = False) -> TableMembership:
    """The seat of ``person_id`` at ``table``, or :class:`ServiceError` with ``message`` at
    ``field``. With ``active``, an inactive person is refused too."""
    seat = find_seat(table, person_id)
    if seat is None:
        raise ServiceError(message, field=field)
    if active and not seat.person.is_active:
        raise ServiceError("This person is inactive: choose an active person.", field=field)
    return seat


def seat_choices(table) -> list[tuple[int, str]]:
    """``(person id, "Name (Organization)")`` for a select of the people seated at ``table``
    who are active (one query): whom a new action item may be given or handed over to."""
    rows = db.session.execute(
        select(TableMembership.person_id, Person.name, Organization.name)
        .join(Person, Person.id == TableMembership.person_id)
        .join(Organization, Organization.id == TableMembership.organization_id)
        .where(TableMembership.table_id == _table_id(table), Person.is_active.is_(True))
        .order_by(Person.name, TableMembership.id))
    return [(person_id, f"{name} ({organization})") for person_id, name, organization in rows]


def is_case_table(table: CoalitionTable | None) -> bool:
    return table is not None and table.reviews_cases
