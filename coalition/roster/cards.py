"""The roster's dashboard cards: counts, agreements to renew, the user's tables."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from coalition.core.db import db
from coalition.core.permissions import LEADER, has_level
from coalition.reporting.cards import DashboardCard, register_card
from coalition.roster.models import CoalitionTable, Organization, Person
from coalition.roster.permissions import visible_tables_clause
from coalition.roster.seats import seat_of, tables_of
from coalition.roster.services import agreement_alerts


def _counts(user, today) -> dict:
    """Active organizations, active people, the tables the user may see (one query)."""
    organizations, people, tables = db.session.execute(select(
        select(func.count(Organization.id)).where(Organization.is_active.is_(True))
        .scalar_subquery(),
        select(func.count(Person.id)).where(Person.is_active.is_(True)).scalar_subquery(),
        select(func.count(CoalitionTable.id)).where(visible_tables_clause(user))
        .scalar_subquery())).one()
    return {"organizations": organizations, "people": people, "tables": tables}


AGREEMENTS_SHOWN = 10  # the soonest; the organization list shows them all


def _agreements(user, today) -> dict | None:
    if not has_level(user, LEADER):
        return None
    warning_days = current_app.config["AGREEMENT_WARNING_DAYS"]
    alerts = agreement_alerts(today, warning_days, limit=AGREEMENTS_SHOWN)
    return {"alerts": alerts, "total": alerts[0]["total"] if alerts else 0,
            "warning_days": warning_days}


def _tables(user, today) -> dict:
    # the user's tables are loaded once per request (the other cards ask for them too)
    return {"seats": [(table, seat_of(user, table).role) for table in tables_of(user)]}


def register() -> None:
    register_card(DashboardCard("roster_counts", "roster/_card_counts.html", _counts, order=10))
    register_card(DashboardCard("agreements", "roster/_card_agreements.html", _agreements,
                                order=40))
    register_card(DashboardCard("my_tables", "roster/_card_tables.html", _tables, order=90))
