"""Risk review: situations of acutely elevated risk, outreach, incident import."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the risk review routes and permissions, and wire situations into the meeting
    workflow: the "situation" agenda subject with the rules that list open and new situations,
    the discussion history written from minutes, the dashboard card, and the template helper the
    history partial uses."""
    from coalition.core.permissions import register_routes
    from coalition.risk import cards, models  # noqa: F401
    from coalition.risk.permissions import ROUTES
    from coalition.risk.services.agenda import register_risk_agenda, situation_discussions
    from coalition.risk.views import bp

    register_routes(ROUTES)
    app.register_blueprint(bp)
    register_risk_agenda()
    cards.register()
    app.jinja_env.globals["situation_discussions"] = situation_discussions
