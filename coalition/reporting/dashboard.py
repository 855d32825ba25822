"""What the dashboard shows: the cards the domains registered, built for the viewer.

The cards are rendered to HTML and kept per worker process for DASHBOARD_CACHE_SECONDS, keyed by
the viewer, the coalition's date and the data generation (core.generation): a change committed by
anyone, in any process, makes every kept card stale at once, and only the passing of time (a
first contact going past 48 hours) waits up to that many seconds to show. Cards are kept per
viewer, so one person's cards are never shown to another.
"""

from __future__ import annotations

from threading import Lock

from cachetools import TTLCache
from flask import current_app, render_template
from markupsafe import Markup

from coalition.core.generation import current_generation
from coalition.core.localtime import local_today
from coalition.reporting.cards import cards_for

KEPT_VIEWERS = 2048  # at most this many viewers' cards per process; the oldest go first
_LOCK = Lock()


def _kept() -> TTLCache | None:
    app = current_app._get_current_object()
    seconds = app.config["DASHBOARD_CACHE_SECONDS"]
    if not seconds:
        return None
    with _LOCK:
        cache = app.extensions.get("dashboard_cards")
        if cache is None:
            cache = app.extensions["dashboard_cards"] = TTLCache(KEPT_VIEWERS, seconds)
        return cache


def rendered_cards(user) -> list[Markup]:
    today = local_today()
    cache = _kept()
    key = (user.id, today, current_generation()) if cache is not None else None
    if cache is not None:
        with _LOCK:
            cards = cache.get(key)
        if cards is not None:
            return cards
    # the partials' own output, escaped by Jinja as it rendered them
    cards = [Markup(render_template(card.partial, data=data))  # noqa: S704
             for card, data in cards_for(user, today)]
    if cache is not None:
        with _LOCK:
            cache[key] = cards
    return cards


def dashboard_context(user) -> dict:
    return {"cards": rendered_cards(user)}
