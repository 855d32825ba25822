"""The dashboard's cards: each domain registers what it shows there.

A card is a template partial and a function ``build(user, today)`` that returns the partial's
context (already filtered for the user) or None when the card has nothing for this user. The
dashboard shows the cards by ``order``; it names no domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DashboardCard:
    key: str
    partial: str  # rendered with ``data`` (what ``build`` returned)
    build: Callable[[object, date], dict | None]
    order: int = 50


CARDS: dict[str, DashboardCard] = {}


def register_card(card: DashboardCard) -> DashboardCard:
    CARDS[card.key] = card
    return card


def cards_for(user, today: date) -> list[tuple[DashboardCard, dict]]:
    shown = []
    for card in sorted(CARDS.values(), key=lambda c: (c.order, c.key)):
        data = card.build(user, today)
        if data is not None:
            shown.append((card, data))
    return shown
