"""Roster verbs and the queries views, dashboard and reports share.

Every verb takes the acting user, validates the business rules, raises :class:`ServiceError`
(with the form field it belongs to) when one is broken, writes its audit row and flushes. The
caller commits.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.exc import StaleDataError

from coalition.core import audit, vocab
from coalition.core.db import MAX_RECORD_ID
from coalition.core.errors import ServiceError
from coalition.core.models import VocabTerm
from coalition.core.permissions import visible_tables_clause
from coalition.extensions import db
from coalition.roster.models import (
    TABLE_KIND_LABELS,
    TABLE_ROLES,
    Affiliation,
    Agreement,
    CoalitionTable,
    Organization,
    Person,
    TableMembership,
)

STATUSES = ("active", "inactive", "all")
NOTES_MAX = 5000
WEBSITE_MESSAGE = "Enter a web address starting with http:// or https://, like https://agency.org."
DUPLICATE_ORG_MESSAGE = "An organization with this name already exists."
DUPLICATE_TABLE_MESSAGE = "A table with this name already exists."


class EditConflict(ServiceError):
    """The record changed since the form was loaded (optimistic concurrency)."""

    def __init__(self, thing: str):
        super().__init__(
            f"Someone else changed this {thing} while you were editing. Their version is shown "
            "below and your changes are still in the form: review them and save again."
        )


# --- small checks shared by the verbs ----------------------------------------------------------

def _clean(value, *, field: str, max_length: int, required: str | None = None,
           multiline: bool = False) -> str:
    """Strip ``value`` and check it: present if ``required`` (the message), not too long, and
    free of control characters (line breaks allowed when ``multiline``)."""
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(required, field=field)
    if len(value) > max_length:
        raise ServiceError(f"Use at most {max_length} characters.", field=field)
    allowed = "\n\r\t" if multiline else ""
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value):
        raise ServiceError("Remove the control characters from this text.", field=field)
    return value


def web_address_problem(value: str | None) -> str | None:
    """Why ``value`` is not an http(s) web address, or None if it is one (or is empty)."""
    if not value:
        return None
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in value):
        return WEBSITE_MESSAGE
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return WEBSITE_MESSAGE
    if parts.scheme.lower() not in ("http", "https") or not host:
        return WEBSITE_MESSAGE
    return None


def valid_id(value) -> int | None:
    """``value`` as a row id, or None if it cannot be one (not an int, <= 0, too large)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_RECORD_ID:
        return None
    return value


def _check_version(obj, version_id, thing: str) -> None:
    try:
        version_id = int(version_id)
    except (TypeError, ValueError):
        version_id = None
    if version_id != obj.version_id:
        raise EditConflict(thing)


def _flush_update(thing: str) -> None:
    """Flush an edit; a concurrent save that slipped in after the version check is a conflict."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise EditConflict(thing) from error


def _log_change(actor, obj, before: dict, after: dict, was_active: bool | None = None) -> bool:
    """Write one audit row for an edit (``deactivate``/``reactivate`` when the status flips)."""
    if before == after:
        return False
    action = "update"
    if was_active is not None and was_active != after.get("active"):
        action = "reactivate" if after.get("active") else "deactivate"
    audit.log(actor, action, obj, summary=audit.describe_changes(before, after))
    return True


def _status_clause(column, status: str | None):
    if status == "inactive":
        return column.is_(False)
    if status == "all":
        return None
    return column.is_(True)


def _like(text: str) -> str:
    return text.strip().casefold()


# --- organizations --------------------------------------------------------------------------

def organization_key(name: str) -> str:
    return name.strip().casefold()


def _organization_values(*, name, sector_id, address, phone, website, notes,
                         org: Organization | None = None) -> dict:
    name = _clean(name, field="name", max_length=200, required="Enter the organization's name.")
    key = organization_key(name)
    if len(key) > 200:
        raise ServiceError("This name is too long.", field="name")
    clash = db.session.scalar(select(Organization.id).where(Organization.name_key == key))
    if clash is not None and (org is None or clash != org.id):
        raise ServiceError(DUPLICATE_ORG_MESSAGE, field="name")
    sector = vocab.get_term("sector", sector_id) if valid_id(sector_id) is not None else None
    if sector is None and org is not None and sector_id == org.sector_id:
        sector = org.sector  # keep a sector that has since been retired from the list
    if sector is None:
        raise ServiceError("Choose a sector from the list.", field="sector_id")
    website = _clean(website, field="website", max_length=300)
    problem = web_address_problem(website)
    if problem:
        raise ServiceError(problem, field="website")
    return {
        "name": name,
        "name_key": key,
        "sector": sector,
        "address": _clean(address, field="address", max_length=300),
        "phone": _clean(phone, field="phone", max_length=40),
        "website": website,
        "notes": _clean(notes, field="notes", max_length=NOTES_MAX, multiline=True),
    }


def _organization_facts(org: Organization) -> dict:
    return {"name": org.name, "sector": org.sector.label if org.sector else None,
            "address": org.address, "phone": org.phone, "website": org.website,
            "notes": org.notes, "active": org.is_active}


def _flush_organization() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:  # a concurrent insert of the same name
        raise ServiceError(DUPLICATE_ORG_MESSAGE, field="name") from error


def create_organization(actor, *, name, sector_id, address="", phone="", website="",
                        notes="") -> Organization:
    values = _organization_values(name=name, sector_id=sector_id, address=address, phone=phone,
                                  website=website, notes=notes)
    org = Organization(**values)
    db.session.add(org)
    _flush_organization()
    audit.log(actor, "create", org, summary=f"organization {org.name!r} ({org.sector.label})")
    return org


def update_organization(actor, org: Organization, *, version_id, name, sector_id, address,
                        phone, website, notes, is_active) -> bool:
    """Edit (and possibly deactivate) an organization. Returns whether anything changed."""
    _check_version(org, version_id, "organization")
    values = _organization_values(name=name, sector_id=sector_id, address=address, phone=phone,
                                  website=website, notes=notes, org=org)
    before = _organization_facts(org)
    for key, value in values.items():
        setattr(org, key, value)
    org.is_active = bool(is_active)
    after = _organization_facts(org)
    try:
        _flush_update("organization")
    except IntegrityError as error:
        raise ServiceError(DUPLICATE_ORG_MESSAGE, field="name") from error
    return _log_change(actor, org, before, after, was_active=before["active"])


def organization_query(*, q: str | None = None, sector_id: int | None = None,
                       table_id: int | None = None, status: str | None = "active"):
    """Organizations matching the list filters, by name, with sector and agreements loaded.

    ``table_id`` must already be a table the viewer may see (the view offers only those).
    """
    stmt = (select(Organization)
            .options(selectinload(Organization.sector), selectinload(Organization.agreements))
            .order_by(Organization.name_key, Organization.id))
    if q:
        stmt = stmt.where(Organization.name_key.contains(_like(q), autoescape=True))
    if sector_id is not None:
        stmt = stmt.where(Organization.sector_id == sector_id)
    if table_id is not None:
        stmt = stmt.where(Organization.id.in_(
            select(TableMembership.organization_id).where(TableMembership.table_id == table_id)))
    clause = _status_clause(Organization.is_active, status)
    if clause is not None:
        stmt = stmt.where(clause)
    return stmt


def organization_names(*, active_only: bool = True) -> list[tuple[int, str]]:
    """``(id, name)`` of the organizations, for pick lists."""
    stmt = select(Organization.id, Organization.name).order_by(Organization.name_key)
    if active_only:
        stmt = stmt.where(Organization.is_active.is_(True))
    return [(org_id, name) for org_id, name in db.session.execute(stmt)]


def organization_people(org: Organization) -> list[Affiliation]:
    """The organization's affiliations with their people loaded, by name."""
    return list(db.session.scalars(
        select(Affiliation).join(Affiliation.person)
        .where(Affiliation.organization_id == org.id)
        .options(contains_eager(Affiliation.person))
        .order_by(Person.name, Affiliation.id)
    ))


def organization_seats(viewer, org: Organization) -> list[dict]:
    """The tables (visible to ``viewer``) where someone sits for ``org``, with who sits there."""
    rows = db.session.execute(
        select(CoalitionTable, Person.name, TableMembership.role)
        .join(TableMembership, TableMembership.table_id == CoalitionTable.id)
        .join(Person, Person.id == TableMembership.person_id)
        .where(TableMembership.organization_id == org.id, visible_tables_clause(viewer))
        .order_by(CoalitionTable.name, Person.name)
    )
    seats: dict[int, dict] = {}
    for table, person_name, role in rows:
        entry = seats.setdefault(table.id, {"table": table, "people": []})
        entry["people"].append((person_name, role))
    return list(seats.values())


# --- agreements -----------------------------------------------------------------------------

def _agreement_values(*, signed_on, expires_on, reference, notes) -> dict:
    if not isinstance(signed_on, date):
        raise ServiceError("Enter the date the agreement was signed.", field="signed_on")
    if not isinstance(expires_on, date):
        raise ServiceError("Enter the date the agreement expires.", field="expires_on")
    if expires_on < signed_on:
        raise ServiceError("The expiry date must be on or after the date it was signed.",
                           field="expires_on")
    return {
        "signed_on": signed_on,
        "expires_on": expires_on,
        "reference": _clean(reference, field="reference", max_length=200),
        "notes": _clean(notes, field="notes", max_length=NOTES_MAX, multiline=True),
    }


def _agreement_facts(agreement: Agreement) -> dict:
    return {"signed_on": agreement.signed_on.isoformat(),
            "expires_on": agreement.expires_on.isoformat(),
            "reference": agreement.reference, "notes": agreement.notes}


def add_agreement(actor, org: Organization, *, signed_on, expires_on, reference="",
                  notes="") -> Agreement:
    values = _agreement_values(signed_on=signed_on, expires_on=expires_on, reference=reference,
                               notes=notes)
    agreement = Agreement(organization=org, **values)
    db.session.add(agreement)
    db.session.flush()
    audit.log(actor, "create", agreement,
              summary=f"agreement of {org.name!r}: signed {signed_on.isoformat()}, "
                      f"expires {expires_on.isoformat()}")
    return agreement


def update_agreement(actor, agreement: Agreement, *, signed_on, expires_on, reference,
                     notes) -> bool:
    values = _agreement_values(signed_on=signed_on, expires_on=expires_on, reference=reference,
                               notes=notes)
    before = _agreement_facts(agreement)
    for key, value in values.items():
        setattr(agreement, key, value)
    after = _agreement_facts(agreement)
    db.session.flush()
    return _log_change(actor, agreement, before, after)


def latest_agreements_subquery():
    """Per organization, the expiry date of its most recent agreement."""
    return (
        select(Agreement.organization_id, func.max(Agreement.expires_on).label("expires_on"))
        .group_by(Agreement.organization_id)
        .subquery()
    )


def agreement_alerts(today: date, warning_days: int) -> list[dict]:
    """Active organizations whose latest agreement has expired or expires within ``warning_days``.

    Returns plain dicts ``{organization_id, name, expires_on, status, days_left}``, soonest first.
    """
    latest = latest_agreements_subquery()
    horizon = today + timedelta(days=warning_days)
    rows = db.session.execute(
        select(Organization.id, Organization.name, latest.c.expires_on)
        .join(latest, latest.c.organization_id == Organization.id)
        .where(Organization.is_active.is_(True), latest.c.expires_on <= horizon)
        .order_by(latest.c.expires_on, Organization.name)
    )
    return [
        {
            "organization_id": org_id,
            "name": name,
            "expires_on": expires_on,
            "status": "expired" if expires_on < today else "expiring",
            "days_left": (expires_on - today).days,
        }
        for org_id, name, expires_on in rows
    ]


# --- people and affiliations ----------------------------------------------------------------

def _person_values(*, name, email, phone, title, notes, person: Person | None = None) -> dict:
    email = _clean(email, field="email", max_length=254)
    if email and ("@" not in email or any(ch.isspace() for ch in email)):
        raise ServiceError("Enter a valid e-mail address, like name@agency.org.", field="email")
    if email:
        _check_email_is_free(email, person)
    return {
        "name": _clean(name, field="name", max_length=120, required="Enter the person's name."),
        "email": email,
        "phone": _clean(phone, field="phone", max_length=40),
        "title": _clean(title, field="title", max_length=120),
        "notes": _clean(notes, field="notes", max_length=NOTES_MAX, multiline=True),
    }


def _check_email_is_free(email: str, person: Person | None) -> None:
    """Two roster entries with one e-mail address are almost always the same person twice."""
    stmt = select(Person.name).where(func.lower(Person.email) == email.lower())
    if person is not None:
        stmt = stmt.where(Person.id != person.id)
    holder = db.session.scalar(stmt.limit(1))
    if holder is not None:
        raise ServiceError(f"{holder} already has this e-mail address on the roster. Open their "
                           "page instead of adding them twice.", field="email")


def _person_facts(person: Person) -> dict:
    return {"name": person.name, "email": person.email, "phone": person.phone,
            "title": person.title, "notes": person.notes, "active": person.is_active}


def _organization(organization_id, *, field: str = "organization_id") -> Organization:
    org = None
    if valid_id(organization_id) is not None:
        org = db.session.get(Organization, organization_id)
    if org is None:
        raise ServiceError("Choose an organization from the list.", field=field)
    return org


def create_person(actor, *, name, email="", phone="", title="", notes="",
                  organization_id: int | None = None, role_title="") -> Person:
    """Add a person, optionally with a first affiliation."""
    values = _person_values(name=name, email=email, phone=phone, title=title, notes=notes)
    role_title = _clean(role_title, field="role_title", max_length=120)
    if organization_id is None and role_title:
        raise ServiceError("Choose the organization this role title is for.",
                           field="organization_id")
    org = _organization(organization_id) if organization_id is not None else None
    if org is not None and not org.is_active:
        raise ServiceError(f"{org.name} is inactive; choose an active organization.",
                           field="organization_id")
    person = Person(**values)
    db.session.add(person)
    db.session.flush()
    audit.log(actor, "create", person, summary=f"person {person.name!r}")
    if org is not None:
        _affiliate(actor, person, org, role_title)
    return person


def update_person(actor, person: Person, *, version_id, name, email, phone, title, notes,
                  is_active) -> bool:
    _check_version(person, version_id, "person")
    values = _person_values(name=name, email=email, phone=phone, title=title, notes=notes,
                            person=person)
    before = _person_facts(person)
    for key, value in values.items():
        setattr(person, key, value)
    person.is_active = bool(is_active)
    after = _person_facts(person)
    _flush_update("person")
    return _log_change(actor, person, before, after, was_active=before["active"])


def _affiliate(actor, person: Person, org: Organization, role_title: str) -> Affiliation:
    affiliation = Affiliation(person=person, organization=org, role_title=role_title)
    db.session.add(affiliation)
    db.session.flush()
    audit.log(actor, "create", affiliation,
              summary=f"{person.name!r} affiliated with {org.name!r}"
                      + (f" as {role_title!r}" if role_title else ""))
    return affiliation


def add_affiliation(actor, person: Person, *, organization_id, role_title="") -> Affiliation:
    org = _organization(organization_id)
    role_title = _clean(role_title, field="role_title", max_length=120)
    exists = db.session.scalar(select(Affiliation.id).where(
        Affiliation.person_id == person.id, Affiliation.organization_id == org.id))
    if exists is not None:
        raise ServiceError(f"{person.name} is already affiliated with {org.name}.",
                           field="organization_id")
    if not org.is_active:
        raise ServiceError(f"{org.name} is inactive; choose an active organization.",
                           field="organization_id")
    return _affiliate(actor, person, org, role_title)


def remove_affiliation(actor, affiliation: Affiliation) -> None:
    """Unlink a person from an organization, unless they sit at a table for it."""
    person, org = affiliation.person, affiliation.organization
    tables = list(db.session.scalars(
        select(CoalitionTable.name)
        .join(TableMembership, TableMembership.table_id == CoalitionTable.id)
        .where(TableMembership.person_id == person.id,
               TableMembership.organization_id == org.id)
        .order_by(CoalitionTable.name)
    ))
    if tables:
        raise ServiceError(
            f"{person.name} sits at {', '.join(tables)} for {org.name}. Remove that seat "
            f"first, or seat them for another organization."
        )
    audit.log(actor, "remove", affiliation,
              summary=f"{person.name!r} no longer affiliated with {org.name!r}")
    db.session.delete(affiliation)
    db.session.flush()


def person_query(*, q: str | None = None, organization_id: int | None = None,
                 table_id: int | None = None, status: str | None = "active"):
    """People matching the list filters, by name, with their organizations loaded.

    ``table_id`` must already be a table the viewer may see (the view offers only those).
    """
    stmt = (select(Person)
            .options(selectinload(Person.affiliations).selectinload(Affiliation.organization))
            .order_by(Person.name, Person.id))
    if q:
        needle = q.strip().lower()
        stmt = stmt.where(func.lower(Person.name).contains(needle, autoescape=True)
                          | func.lower(Person.email).contains(needle, autoescape=True))
    if organization_id is not None:
        stmt = stmt.where(Person.id.in_(select(Affiliation.person_id)
                                        .where(Affiliation.organization_id == organization_id)))
    if table_id is not None:
        stmt = stmt.where(Person.id.in_(select(TableMembership.person_id)
                                        .where(TableMembership.table_id == table_id)))
    clause = _status_clause(Person.is_active, status)
    if clause is not None:
        stmt = stmt.where(clause)
    return stmt


def person_affiliations(person: Person) -> list[Affiliation]:
    """The person's affiliations with their organizations loaded, by organization name."""
    return list(db.session.scalars(
        select(Affiliation).join(Affiliation.organization)
        .where(Affiliation.person_id == person.id)
        .options(contains_eager(Affiliation.organization))
        .order_by(Organization.name_key, Affiliation.id)
    ))


def person_seats(viewer, person: Person) -> list[TableMembership]:
    """The person's seats at tables ``viewer`` may see."""
    return list(db.session.scalars(
        select(TableMembership)
        .join(CoalitionTable, CoalitionTable.id == TableMembership.table_id)
        .where(TableMembership.person_id == person.id, visible_tables_clause(viewer))
        .options(selectinload(TableMembership.table), selectinload(TableMembership.organization))
        .order_by(CoalitionTable.name)
    ))


def person_names() -> list[tuple[int, str]]:
    """``(id, name)`` of the active people (with their e-mail to tell namesakes apart)."""
    rows = db.session.execute(select(Person.id, Person.name, Person.email)
                              .where(Person.is_active.is_(True))
                              .order_by(Person.name, Person.id))
    return [(pid, f"{name} ({email})" if email else name) for pid, name, email in rows]


# --- tables and seats -----------------------------------------------------------------------

def _table_values(*, name, kind, description, cadence_days,
                  table: CoalitionTable | None = None) -> dict:
    name = _clean(name, field="name", max_length=120, required="Enter the table's name.")
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
        "description": _clean(description, field="description", max_length=NOTES_MAX,
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
    _check_version(table, version_id, "table")
    values = _table_values(name=name, kind=kind, description=description,
                           cadence_days=cadence_days, table=table)
    before = _table_facts(table)
    for key, value in values.items():
        setattr(table, key, value)
    table.is_active = bool(is_active)
    after = _table_facts(table)
    try:
        _flush_update("table")
    except IntegrityError as error:
        raise ServiceError(DUPLICATE_TABLE_MESSAGE, field="name") from error
    return _log_change(actor, table, before, after, was_active=before["active"])


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


def table_members(table: CoalitionTable) -> list[TableMembership]:
    return list(db.session.scalars(
        select(TableMembership)
        .join(Person, Person.id == TableMembership.person_id)
        .where(TableMembership.table_id == table.id)
        .options(selectinload(TableMembership.person),
                 selectinload(TableMembership.organization).selectinload(Organization.sector))
        .order_by(Person.name, TableMembership.id)
    ))


# --- sector coverage ------------------------------------------------------------------------

def standard_sectors() -> list[VocabTerm]:
    """The sectors a table is expected to cover: standard, active, and not the catch-all."""
    return list(db.session.scalars(
        select(VocabTerm)
        .where(VocabTerm.vocabulary == "sector", VocabTerm.is_standard.is_(True),
               VocabTerm.is_active.is_(True), VocabTerm.code != "other")
        .order_by(VocabTerm.position, VocabTerm.label)
    ))


def table_coverage(memberships: list[TableMembership]) -> dict:
    """Sectors represented at a table (with the organizations seated for each) and the standard
    sectors missing. Only active organizations count."""
    represented: dict[int, dict] = {}
    for membership in memberships:
        org = membership.organization
        if not org.is_active:
            continue
        entry = represented.setdefault(org.sector_id, {"sector": org.sector.label,
                                                       "organizations": set()})
        entry["organizations"].add(org.name)
    sectors = standard_sectors()
    return {
        "represented": sorted(
            ({"sector": entry["sector"], "organizations": sorted(entry["organizations"])}
             for entry in represented.values()),
            key=lambda entry: entry["sector"]),
        "missing": [sector.label for sector in sectors if sector.id not in represented],
    }


def _seated_sector_counts(table_ids) -> dict[tuple[int, int], int]:
    """(table id, sector id) → how many active organizations of that sector sit at the table."""
    if not table_ids:
        return {}
    rows = db.session.execute(
        select(TableMembership.table_id, Organization.sector_id,
               func.count(func.distinct(Organization.id)))
        .join(Organization, Organization.id == TableMembership.organization_id)
        .where(TableMembership.table_id.in_(table_ids), Organization.is_active.is_(True))
        .group_by(TableMembership.table_id, Organization.sector_id)
    )
    return {(table_id, sector_id): count for table_id, sector_id, count in rows}


def table_summaries(tables) -> dict[int, dict]:
    """Per table id: member count and how many standard sectors are missing (two queries)."""
    ids = [table.id for table in tables]
    members = dict(db.session.execute(
        select(TableMembership.table_id, func.count(TableMembership.id))
        .where(TableMembership.table_id.in_(ids or [-1]))
        .group_by(TableMembership.table_id)
    ).all())
    sector_ids = {sector.id for sector in standard_sectors()}
    counts = _seated_sector_counts(ids)
    return {
        table_id: {
            "members": members.get(table_id, 0),
            "missing": sum(1 for sector_id in sector_ids if (table_id, sector_id) not in counts),
        }
        for table_id in ids
    }


def coverage_matrix(viewer) -> dict:
    """Standard sectors × the active tables ``viewer`` may see: seated organizations per cell.

    Three queries whatever the size of the roster (tables, sectors, one grouped count).
    """
    tables = visible_tables(viewer, active_only=True)
    sectors = standard_sectors()
    counts = _seated_sector_counts([table.id for table in tables])
    rows = [
        {"sector": sector.label,
         "cells": [counts.get((table.id, sector.id), 0) for table in tables]}
        for sector in sectors
    ]
    missing = [sum(1 for sector in sectors if (table.id, sector.id) not in counts)
               for table in tables]
    return {"tables": tables, "rows": rows, "missing": missing}
