"""What the dashboard shows, already filtered for the viewer."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func, select

from coalition.actions import services as actions
from coalition.core.localtime import local_today
from coalition.core.permissions import LEADER, has_level, visible_tables_clause
from coalition.extensions import db
from coalition.risk.services import metrics as risk_metrics
from coalition.roster import services as roster
from coalition.roster.models import CoalitionTable, Organization, Person, TableMembership


def dashboard_context(user) -> dict:
    today = date.today()
    warning_days = current_app.config["AGREEMENT_WARNING_DAYS"]
    context: dict = {"today": today, "warning_days": warning_days}
    context["counts"] = {
        "organizations": db.session.scalar(
            select(func.count(Organization.id)).where(Organization.is_active.is_(True))),
        "people": db.session.scalar(
            select(func.count(Person.id)).where(Person.is_active.is_(True))),
        "tables": db.session.scalar(
            select(func.count(CoalitionTable.id)).where(visible_tables_clause(user))),
    }
    context["my_seats"] = []
    if user.person_id is not None:
        context["my_seats"] = list(db.session.execute(
            select(CoalitionTable, TableMembership.role)
            .join(TableMembership, TableMembership.table_id == CoalitionTable.id)
            .where(TableMembership.person_id == user.person_id)
            .order_by(CoalitionTable.name)
        ))
    context["my_actions"] = actions.dashboard_counts(
        user, today=local_today(), soon_days=current_app.config["ACTION_DUE_SOON_DAYS"])
    context["risk_cards"] = risk_metrics.dashboard_cards(user)
    context["agreement_alerts"] = (
        roster.agreement_alerts(today, warning_days) if has_level(user, LEADER) else []
    )
    return context
