"""What the dashboard shows: the cards the domains registered, built for the viewer."""

from __future__ import annotations

from coalition.core.localtime import local_today
from coalition.reporting.cards import cards_for


def dashboard_context(user) -> dict:
    return {"cards": cards_for(user, local_today())}
