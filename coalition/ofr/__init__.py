"""Overdose fatality review: deaths, case selection, records requests, and the timeline of
missed opportunities built in the meeting."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the fatality review's routes and permissions, the "fatality case" agenda subject
    with the rule that puts selected cases on their meeting, the "case" action-item source, the
    minutes hook that marks a discussed case reviewed, and the dashboard card."""
    from coalition.core.permissions import register_routes
    from coalition.ofr import cards, models  # noqa: F401
    from coalition.ofr.permissions import ROUTES
    from coalition.ofr.services import agenda
    from coalition.ofr.views import bp

    register_routes(ROUTES)
    app.register_blueprint(bp)
    agenda.register()
    cards.register()
    register_holdings()


def register_holdings() -> None:
    """Deaths and their import sources tie a table to the fatality review kind."""
    from coalition.ofr.models import DeathImportSource, FatalityCase
    from coalition.roster.holdings import Holding, register_holding

    register_holding(Holding("deaths", FatalityCase.table_id))
    register_holding(Holding("death import sources", DeathImportSource.table_id))
