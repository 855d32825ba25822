"""People and their affiliations with organizations."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from coalition.core import audit
from coalition.core.concurrency import check_version
from coalition.core.errors import ServiceError
from coalition.core.text import clean
from coalition.extensions import db
from coalition.roster.models import (
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


def _person_values(*, name, email, phone, title, notes, person: Person | None = None) -> dict:
    email = clean(email, field="email", max_length=254)
    if email and ("@" not in email or any(ch.isspace() for ch in email)):
        raise ServiceError("Enter a valid e-mail address, like name@agency.org.", field="email")
    if email:
        _check_email_is_free(email, person)
    return {
        "name": clean(name, field="name", max_length=120, required="Enter the person's name."),
        "email": email,
        "phone": clean(phone, field="phone", max_length=40),
        "title": clean(title, field="title", max_length=120),
        "notes": clean(notes, field="notes", max_length=NOTES_MAX, multiline=True),
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


def create_person(actor, *, name, email="", phone="", title="", notes="",
                  organization_id: int | None = None, role_title="") -> Person:
    """Add a person, optionally with a first affiliation."""
    values = _person_values(name=name, email=email, phone=phone, title=title, notes=notes)
    role_title = clean(role_title, field="role_title", max_length=120)
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
    check_version(person, version_id, "person")
    values = _person_values(name=name, email=email, phone=phone, title=title, notes=notes,
                            person=person)
    before = _person_facts(person)
    for key, value in values.items():
        setattr(person, key, value)
    person.is_active = bool(is_active)
    after = _person_facts(person)
    db.session.flush()
    return log_change(actor, person, before, after, was_active=before["active"])


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
    role_title = clean(role_title, field="role_title", max_length=120)
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
    """People matching the list filters, by name (the list shows their organizations from
    :func:`organization_names_of`).

    ``table_id`` must already be a table the viewer may see (the view offers only those).
    """
    stmt = select(Person).order_by(Person.name, Person.id)
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


def organization_names_of(person_ids) -> dict[int, list[str]]:
    """``{person id: names of their organizations, sorted}`` in one query (people without an
    affiliation are absent)."""
    names: dict[int, list[str]] = {}
    for person_id, name in db.session.execute(
            select(Affiliation.person_id, Organization.name)
            .join(Organization, Organization.id == Affiliation.organization_id)
            .where(Affiliation.person_id.in_(sorted(set(person_ids))))):
        names.setdefault(person_id, []).append(name)
    return {person_id: sorted(found) for person_id, found in names.items()}


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
