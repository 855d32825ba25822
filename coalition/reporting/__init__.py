"""Reporting: the dashboard (cards registered by the domains) and the health check."""

from __future__ import annotations

from coalition.core.permissions import LOGIN, PUBLIC

ROUTES = {
    "main.healthz": (PUBLIC, "health check for load balancers"),
    "main.dashboard": (LOGIN, "dashboard: the cards each domain shows the user"),
}


def init_app(app) -> None:
    from coalition.core.permissions import register_routes
    from coalition.reporting.views import bp

    register_routes(ROUTES)
    app.register_blueprint(bp)
