"""Organizations and their data-sharing agreements, with the expiry alerts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from coalition.core import audit, vocab
from coalition.core.concurrency import check_version
from coalition.core.db import valid_id
from coalition.core.errors import ServiceError
from coalition.core.text import clean
from coalition.extensions import db
from coalition.roster.models import (
    Affiliation,
    Agreement,
    CoalitionTable,
    Organization,
    Person,
    TableMembership,
    agreement_status,
)
from coalition.roster.permissions import visible_tables_clause
from coalition.roster.services.editing import log_change
from coalition.roster.services.listing import _like, _status_clause
from coalition.roster.services.validation import NOTES_MAX, web_address_problem

DUPLICATE_ORG_MESSAGE = "An organization with this name already exists."


# --- organizations --------------------------------------------------------------------------

def organization_key(name: str) -> str:
    return name.strip().casefold()


def _organization_values(*, name, sector_id, address, phone, website, notes,
                         org: Organization | None = None) -> dict:
    name = clean(name, field="name", max_length=200, required="Enter the organization's name.")
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
    website = clean(website, field="website", max_length=300)
    problem = web_address_problem(website)
    if problem:
        raise ServiceError(problem, field="website")
    return {
        "name": name,
        "name_key": key,
        "sector": sector,
        "address": clean(address, field="address", max_length=300),
        "phone": clean(phone, field="phone", max_length=40),
        "website": website,
        "notes": clean(notes, field="notes", max_length=NOTES_MAX, multiline=True),
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
    check_version(org, version_id, "organization")
    values = _organization_values(name=name, sector_id=sector_id, address=address, phone=phone,
                                  website=website, notes=notes, org=org)
    before = _organization_facts(org)
    for key, value in values.items():
        setattr(org, key, value)
    org.is_active = bool(is_active)
    after = _organization_facts(org)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise ServiceError(DUPLICATE_ORG_MESSAGE, field="name") from error
    return log_change(actor, org, before, after, was_active=before["active"])


def organization_query(*, q: str | None = None, sector_id: int | None = None,
                       table_id: int | None = None, status: str | None = "active",
                       renew_by: date | None = None):
    """Organizations matching the list filters, by name, with their sector loaded (the list
    adds each one's current agreement, :func:`agreement_expiry`).

    ``table_id`` must already be a table the viewer may see (the view offers only those);
    ``renew_by`` keeps those whose latest agreement expires on or before that date.
    """
    stmt = (select(Organization).options(joinedload(Organization.sector))
            .order_by(Organization.name_key, Organization.id))
    if q:
        stmt = stmt.where(Organization.name_key.contains(_like(q), autoescape=True))
    if sector_id is not None:
        stmt = stmt.where(Organization.sector_id == sector_id)
    if table_id is not None:
        stmt = stmt.where(Organization.id.in_(
            select(TableMembership.organization_id).where(TableMembership.table_id == table_id)))
    if renew_by is not None:
        latest = latest_agreements_subquery()
        stmt = stmt.where(Organization.id.in_(
            select(latest.c.organization_id).where(latest.c.expires_on <= renew_by)))
    clause = _status_clause(Organization.is_active, status)
    if clause is not None:
        stmt = stmt.where(clause)
    return stmt


def agreement_expiry():
    """The expiry date of an organization's current agreement (the one expiring last; NULL
    without one), as a column for a statement of organizations: the list reads it with its
    rows, no query of its own."""
    return (select(func.max(Agreement.expires_on))
            .where(Agreement.organization_id == Organization.id).correlate(Organization)
            .scalar_subquery().label("agreement_expires_on"))


def agreement_states(expiries, today: date, warning_days: int) -> dict[int, tuple[str, date]]:
    """``{organization id: (status, expires_on)}`` from ``(organization id, expiry)`` pairs of
    :func:`agreement_expiry` (none for an organization without an agreement)."""
    return {org_id: (agreement_status(expires_on, today, warning_days), expires_on)
            for org_id, expires_on in expiries if expires_on is not None}


def organization_names(*, active_only: bool = True) -> list[tuple[int, str]]:
    """``(id, name)`` of the organizations, for pick lists."""
    stmt = select(Organization.id, Organization.name).order_by(Organization.name_key)
    if active_only:
        stmt = stmt.where(Organization.is_active.is_(True))
    return [(org_id, name) for org_id, name in db.session.execute(stmt)]


def _organization(organization_id, *, field: str = "organization_id") -> Organization:
    org = None
    if valid_id(organization_id) is not None:
        org = db.session.get(Organization, organization_id)
    if org is None:
        raise ServiceError("Choose an organization from the list.", field=field)
    return org


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
        "reference": clean(reference, field="reference", max_length=200),
        "notes": clean(notes, field="notes", max_length=NOTES_MAX, multiline=True),
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
    return log_change(actor, agreement, before, after)


def latest_agreements_subquery():
    """Per organization, the expiry date of its most recent agreement."""
    return (
        select(Agreement.organization_id, func.max(Agreement.expires_on).label("expires_on"))
        .group_by(Agreement.organization_id)
        .subquery()
    )


def agreement_alerts(today: date, warning_days: int, *, limit: int | None = None) -> list[dict]:
    """Active organizations whose latest agreement has expired or expires within ``warning_days``.

    Returns plain dicts ``{organization_id, name, expires_on, status, days_left, total}``,
    soonest first, at most ``limit`` of them; ``total`` counts them all (one query).
    """
    latest = latest_agreements_subquery()
    horizon = today + timedelta(days=warning_days)
    stmt = (select(Organization.id, Organization.name, latest.c.expires_on,
                   func.count().over().label("total"))
            .join(latest, latest.c.organization_id == Organization.id)
            .where(Organization.is_active.is_(True), latest.c.expires_on <= horizon)
            .order_by(latest.c.expires_on, Organization.name))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        {
            "organization_id": org_id,
            "name": name,
            "expires_on": expires_on,
            "status": "expired" if expires_on < today else "expiring",
            "days_left": (expires_on - today).days,
            "total": total,
        }
        for org_id, name, expires_on, total in db.session.execute(stmt)
    ]
