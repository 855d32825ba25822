"""The recommendations dashboard card: how many recommendations are in each status, and the
stalled ones (coalition business: every user sees it once there is a recommendation)."""

from __future__ import annotations

from coalition.extensions import db
from coalition.gaps.services import recommendation_query, status_counts
from coalition.reporting.cards import DashboardCard, register_card

STALLED_SHOWN = 5


def _card(user, today) -> dict | None:
    counts = [row for row in status_counts() if row[2]]
    if not counts:
        return None
    stalled = list(db.session.scalars(recommendation_query(stalled_only=True, today=today)
                                      .limit(STALLED_SHOWN + 1)))
    return {"counts": counts, "stalled": stalled[:STALLED_SHOWN],
            "more_stalled": len(stalled) > STALLED_SHOWN}


def register() -> None:
    register_card(DashboardCard("recommendations", "gaps/_card.html", _card, order=40))
