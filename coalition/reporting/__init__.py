"""Reporting: the dashboard (cards registered by the domains), the health check, and the
reporting screen (reports registered by the domains in :mod:`coalition.reporting.catalog`)."""

from __future__ import annotations

from coalition.core.permissions import LEADER, LOGIN, PUBLIC

ROUTES = {
    "main.healthz": (PUBLIC, "health check for load balancers"),
    "main.dashboard": (LOGIN, "dashboard: the cards each domain shows the user"),
    "main.reports": (LEADER, "the reporting screen: choose a report, table, period and audience; "
                             "preview its key numbers (internal editions: the table's members)"),
    "main.report_pdf": (LEADER, "ask for a report's PDF (POST; audited; rendered off the "
                                "request path; internal editions: the table's members)"),
    "main.report_run": (LEADER, "the state of one's own report run (others': 404)"),
    "main.report_run_pdf": (LEADER, "the PDF of one's own report run while it is kept (others': "
                                    "404)"),
}


def init_app(app) -> None:
    from coalition.core.permissions import register_routes
    from coalition.reporting import models, ofr_summary  # noqa: F401
    from coalition.reporting.views import bp

    register_routes(ROUTES)
    app.register_blueprint(bp)
    ofr_summary.register()
