"""Risk review: situations of acutely elevated risk, outreach, incident import."""

from __future__ import annotations


def init_app(app) -> None:
    """Register the risk review routes and permissions, and wire situations into the meeting
    workflow: the "situation" agenda subject with the rules that list open and new situations,
    the discussion history written from minutes, the dashboard card, the template helper the
    history partial uses, and the risk review and outreach report in the reporting catalog."""
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
    register_report()
    register_holdings()


def register_holdings() -> None:
    """Situations, referrals and incident imports tie a table to the risk review kind."""
    from coalition.risk.models import IncidentImport, OutreachReferral, RiskSituation
    from coalition.roster.holdings import Holding, register_holding

    register_holding(Holding("risk situations", RiskSituation.table_id))
    register_holding(Holding("outreach referrals", OutreachReferral.table_id))
    register_holding(Holding("incident imports", IncidentImport.table_id))


def register_report() -> None:
    """The risk review and outreach report, in the reporting screen's catalog."""
    from coalition.reporting.catalog import Report, register
    from coalition.risk import reports
    from coalition.risk.permissions import can_print_risk_report

    register(Report(
        key=reports.KEY, title=reports.TITLE,
        summary="Situations presented and accepted, risk factors, lead and assisting agencies "
                "by sector, time to first contact, conclusions, outreach engagement (overall, "
                "by referral source, with and without police, by quarter) and services.",
        table_kinds=frozenset({"risk_review"}), template="risk/report.html",
        build=reports.build, preview=reports.preview, may_print=can_print_risk_report,
        order=30))
