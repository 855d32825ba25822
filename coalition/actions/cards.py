"""The "My action items" dashboard card."""

from __future__ import annotations

from flask import current_app

from coalition.actions.services import dashboard_counts
from coalition.reporting.cards import DashboardCard, register_card


def _my_items(user, today) -> dict:
    return dashboard_counts(user, today=today,
                            soon_days=current_app.config["ACTION_DUE_SOON_DAYS"])


def register() -> None:
    register_card(DashboardCard("my_action_items", "actions/_card_my_items.html", _my_items,
                                order=20))
