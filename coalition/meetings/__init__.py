"""Meetings: agendas that fill themselves, attendance, attestations, minutes and decisions."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the meeting routes and permissions, meetings as a source of action items, and
    the template helper that shows what an agenda item is about (``meetings.subjects``)."""
    from coalition.core.permissions import register_routes
    from coalition.meetings import action_source, cards, models  # noqa: F401
    from coalition.meetings.permissions import ROUTES
    from coalition.meetings.subjects import subject_of
    from coalition.meetings.views import bp
    from coalition.roster.holdings import Holding, register_holding

    register_routes(ROUTES)
    app.register_blueprint(bp)
    action_source.register()
    cards.register()
    app.jinja_env.globals["agenda_subject"] = subject_of
    register_holding(Holding("case agenda items", models.AgendaItem.table_id,
                             models.AgendaItem.item_type == "case"))
