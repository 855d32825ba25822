"""The risk review dashboard card: one line per risk review table the user sits at."""

from __future__ import annotations

from coalition.reporting.cards import DashboardCard, register_card
from coalition.risk.services.metrics import dashboard_cards


def _risk(user, today) -> dict | None:
    tables = dashboard_cards(user)
    return {"tables": tables} if tables else None


def register() -> None:
    register_card(DashboardCard("risk_review", "risk/_card_risk.html", _risk, order=30))
