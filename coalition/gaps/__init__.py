"""Continuum-of-care gaps and recommendations that get done: the gap register fed by the missed
opportunities of case timelines, the stage × sector matrix, recommendations with their work
plan, status log and the governing committee's decisions."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the routes and permissions, the "recommendation" agenda subject with the rule
    that puts stalled recommendations on their table's next meeting, the "recommendation"
    action-item source, the gap panel of the timeline, and the dashboard card."""
    from coalition.core.permissions import register_routes
    from coalition.gaps import cards, models, reports  # noqa: F401
    from coalition.gaps.permissions import ROUTES
    from coalition.gaps.services import agenda
    from coalition.gaps.views import bp
    from coalition.roster.holdings import Holding, register_holding

    register_routes(ROUTES)
    app.register_blueprint(bp)
    agenda.register()
    cards.register()
    reports.register()
    register_holding(Holding("recommendations", models.Recommendation.table_id))
