"""Coalition tables (coalition, risk review, OFR) and who sits at them for which organization."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coalition.core import audit
from coalition.core.concurrency import check_version
from coalition.core.db import valid_id
from coalition.core.errors import ServiceError
from coalition.core.text import clean
from coalition.extensions import db
from coalition.roster.holdings import holdings_of
from coalition.roster.models import (
    TABLE_KIND_LABELS,
    TABLE_ROLES,
    Affiliation,
    CoalitionTable,
    Organization,
    Person,
    TableMembership,
)
from coalition.roster.permissions import visible_tables_clause
from coalition.roster.services.editing import log_change
from coalition.roster.services.listing import _status_clause
from coalition.roster.services.organizations import _organization
from coalition.roster.services.validation import NOTES_MAX

DUPLICATE_TABLE_MESSAGE = "A table with this name already exists."


def _table_values(*, name, kind, description, cadence_days,
                  table: CoalitionTable | None = None) -> dict:
    name = clean(name, field="name", max_length=120, required="Enter the table's name.")
    key = name.casefold()
    if len(key) > 120:
        raise ServiceError("This name is too long.", field="name")
    clash = db.session.scalar(select(CoalitionTable.id).where(CoalitionTable.name_key == key))
    if clash is not None and (table is None or clash != table.id):
        raise ServiceError(DUPLICATE_TABLE_MESSAGE, field="name")
    if kind not in TABLE_KIND_LABELS:
        raise ServiceError("Choose a kind of table.", field="kind")
    if not isinstance(cadence_days, int) or not 1 <= cadence_days <= 366:
        raise ServiceError("Enter a number of days between 1 and 366.", field="cadence_days")
    return {
        "name": name,
        "name_key": key,
        "kind": kind,
        "description": clean(description, field="description", max_length=NOTES_MAX,
                              multiline=True),
        "cadence_days": cadence_days,
    }


def _table_facts(table: CoalitionTable) -> dict:
    return {"name": table.name, "kind": table.kind, "description": table.description,
            "cadence_days": table.cadence_days, "active": table.is_active}


def create_table(actor, *, name, kind, description="", cadence_days=7) -> CoalitionTable:
    table = CoalitionTable(**_table_values(name=name, kind=kind, description=description,
                                           cadence_days=cadence_days))
    db.session.add(table)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise ServiceError(DUPLICATE_TABLE_MESSAGE, field="name") from error
    audit.log(actor, "create", table, summary=f"table {table.name!r} ({table.kind_label})")
    return table


def update_table(actor, table: CoalitionTable, *, version_id, name, kind, description,
                 cadence_days, is_active) -> bool:
    check_version(table, version_id, "table")
    values = _table_values(name=name, kind=kind, description=description,
                           cadence_days=cadence_days, table=table)
    if values["kind"] != table.kind:
        _check_kind_may_change(table)
    before = _table_facts(table)
    for key, value in values.items():
        setattr(table, key, value)
    table.is_active = bool(is_active)
    after = _table_facts(table)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise ServiceError(DUPLICATE_TABLE_MESSAGE, field="name") from error
    return log_change(actor, table, before, after, was_active=before["active"])


def kind_lock(table: CoalitionTable) -> str | None:
    """Why the table's kind may not change, or None: the kind decides who sees what the table
    holds, so it is fixed once the table holds anything of that kind (see roster.holdings)."""
    held = holdings_of(table.id)
    if not held:
        return None
    return f"This table holds {_in_words(held)}, so its kind cannot change."


def _check_kind_may_change(table: CoalitionTable) -> None:
    reason = kind_lock(table)
    if reason:
        raise ServiceError(f"{reason} Create a new table of the kind you need instead.",
                           field="kind")


def _in_words(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _check_role(role) -> str:
    if role not in TABLE_ROLES:
        raise ServiceError("Choose member or manager.", field="role")
    return role


def seat_person(actor, table: CoalitionTable, *, person_id, organization_id,
                role="member") -> TableMembership:
    """Seat a person at ``table`` for one of the organizations they are affiliated with."""
    person = db.session.get(Person, person_id) if valid_id(person_id) is not None else None
    if person is None:
        raise ServiceError("Choose a person from the list.", field="person_id")
    if not person.is_active:
        raise ServiceError(f"{person.name} is inactive.", field="person_id")
    if organization_id in (None, ""):
        organization_id = _only_organization_of(person)
    org = _organization(organization_id)
    if not org.is_active:
        raise ServiceError(f"{org.name} is inactive.", field="organization_id")
    role = _check_role(role)
    affiliated = db.session.scalar(select(Affiliation.id).where(
        Affiliation.person_id == person.id, Affiliation.organization_id == org.id))
    if affiliated is None:
        raise ServiceError(
            f"{person.name} is not affiliated with {org.name}. Choose one of their "
            "organizations, or add the affiliation on their page first.",
            field="organization_id")
    seated = db.session.scalar(select(TableMembership.id).where(
        TableMembership.table_id == table.id, TableMembership.person_id == person.id))
    if seated is not None:
        raise ServiceError(f"{person.name} already sits at this table.", field="person_id")
    membership = TableMembership(table=table, person=person, organization=org, role=role)
    db.session.add(membership)
    db.session.flush()
    audit.log(actor, "create", membership,
              summary=f"{person.name!r} seated at {table.name!r} for {org.name!r} as {role}")
    return membership


def _only_organization_of(person: Person) -> int:
    """The id of the person's one active organization, for a seat whose organization was left
    blank; with none or several, the coordinator has to choose."""
    org_ids = list(db.session.scalars(
        select(Affiliation.organization_id).join(Organization)
        .where(Affiliation.person_id == person.id, Organization.is_active.is_(True))))
    if len(org_ids) == 1:
        return org_ids[0]
    if not org_ids:
        raise ServiceError(f"{person.name} is not affiliated with an active organization. Add "
                           "the affiliation on their page first.", field="organization_id")
    raise ServiceError(f"{person.name} belongs to {len(org_ids)} organizations: choose the one "
                       "they sit for.", field="organization_id")


def change_seat_role(actor, membership: TableMembership, role) -> bool:
    role = _check_role(role)
    if role == membership.role:
        return False
    before = {"role": membership.role}
    membership.role = role
    db.session.flush()
    audit.log(actor, "update", membership,
              summary=f"{membership.person.name!r} at {membership.table.name!r}: "
                      + audit.describe_changes(before, {"role": role}))
    return True


def unseat(actor, membership: TableMembership) -> None:
    audit.log(actor, "remove", membership,
              summary=f"{membership.person.name!r} no longer sits at {membership.table.name!r}")
    db.session.delete(membership)
    db.session.flush()


def visible_tables(viewer, *, active_only: bool = False) -> list[CoalitionTable]:
    stmt = select(CoalitionTable).where(visible_tables_clause(viewer))
    if active_only:
        stmt = stmt.where(CoalitionTable.is_active.is_(True))
    return list(db.session.scalars(stmt.order_by(CoalitionTable.name_key)))


def table_query(viewer, *, status: str | None = "all"):
    stmt = select(CoalitionTable).where(visible_tables_clause(viewer))
    clause = _status_clause(CoalitionTable.is_active, status)
    if clause is not None:
        stmt = stmt.where(clause)
    return stmt.order_by(CoalitionTable.is_active.desc(), CoalitionTable.name_key)
