"""The agencies a case's forms offer. A county has some 150 agencies; a review team requests
records from (and finds touchpoints at) the agencies seated at its table, so those are offered
as a list, and any other agency is named in a text field and found by its name.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from coalition.core.errors import ServiceError
from coalition.core.kept import kept
from coalition.extensions import db
from coalition.roster.models import Organization, Person, TableMembership

SUGGESTIONS = 5


class TableSeats(NamedTuple):
    owners: list[tuple[int, str]]  # (person id, "Name (Organization)"), as seats.seat_choices
    agencies: list[tuple[int, str]]  # (organization id, name) of the active seated agencies


def table_seats(table) -> TableSeats:
    """Who sits at ``table`` and the (active) agencies they sit for, by name (one query)."""
    rows = db.session.execute(
        select(TableMembership.person_id, Person.name, Organization.id, Organization.name,
               Organization.name_key, Organization.is_active)
        .join(Person, Person.id == TableMembership.person_id)
        .join(Organization, Organization.id == TableMembership.organization_id)
        .where(TableMembership.table_id == table.id)
        .order_by(Person.name, TableMembership.id)).all()
    owners = [(person_id, f"{name} ({org_name})") for person_id, name, _, org_name, _, _ in rows]
    agencies = {org_id: (key, org_name) for _, _, org_id, org_name, key, active in rows
                if active}
    return TableSeats(owners, [(org_id, name) for org_id, (_, name) in
                               sorted(agencies.items(), key=lambda item: (item[1][0], item[0]))])


def kept_table_seats(table) -> TableSeats:
    """:func:`table_seats`, as tuples, kept until the data changes (``core.kept``): the roster
    of the table, the same for whoever is seated there and reaches a case's forms; no case
    material is in it."""
    return kept("ofr.table_seats", table.id, lambda: TableSeats(
        *(tuple(choices) for choices in table_seats(table))))


def agency_named(text: str | None, *, field: str, active_only: bool = True) -> int | None:
    """The id of the agency named ``text`` (in any case); None when empty.
    A name no agency has is refused at ``field``, with up to five names containing it."""
    key = (text or "").strip().casefold()  # as the roster keys names
    if not key:
        return None
    stmt = select(Organization.id, Organization.name)
    if active_only:
        stmt = stmt.where(Organization.is_active.is_(True))
    found = db.session.execute(stmt.where(Organization.name_key == key)).first()
    if found is not None:
        return found[0]
    similar = db.session.scalars(
        stmt.with_only_columns(Organization.name)
        .where(Organization.name_key.contains(key, autoescape=True))
        .order_by(Organization.name_key).limit(SUGGESTIONS)).all()
    message = "No agency of the roster has this name."
    if similar:
        message += " Did you mean: " + "; ".join(similar) + "?"
    raise ServiceError(message, field=field)
