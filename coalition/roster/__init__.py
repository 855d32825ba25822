"""The roster: member organizations and their agreements, people, tables and who sits where."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the roster's routes, permissions and dashboard cards, and tell the audit
    screen which tables' case rows a user may read."""
    from coalition.core import audit
    from coalition.core.permissions import register_routes
    from coalition.roster import cards, models, seats  # noqa: F401
    from coalition.roster.permissions import ROUTES
    from coalition.roster.views import bp

    register_routes(ROUTES)
    app.register_blueprint(bp)
    cards.register()
    audit.set_case_tables_provider(seats.table_ids_of)  # the audit screen's need-to-know
