"""Action items: owners, due dates, the update log and reminder digests."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the action item routes and permissions, the "action item" agenda subject with
    the rule that puts items due on agendas, and the "My action items" dashboard card."""
    from coalition.actions import (  # noqa: F401
        agenda,
        cards,
        models,
        table_source,
        views_assigning,  # noqa: F401  (its routes join bp)
    )
    from coalition.actions.permissions import ROUTES
    from coalition.actions.views import bp
    from coalition.core.permissions import register_routes
    from coalition.roster.holdings import Holding, register_holding

    register_routes(ROUTES)
    app.register_blueprint(bp)
    table_source.register()
    agenda.register()
    cards.register()
    register_holding(Holding("case action items", models.ActionItem.table_id,
                             models.ActionItem.is_case))
