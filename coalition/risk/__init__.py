"""Risk review: situations of acutely elevated risk, outreach, incident import."""

from __future__ import annotations


def init_app(app) -> None:
    """Wire risk review into the meeting workflow: the agenda rules that list situations, the
    discussion history written from minutes, and the template helper the history partial uses."""
    from coalition.risk.services.agenda import register_risk_rules, situation_discussions

    register_risk_rules()
    app.jinja_env.globals["situation_discussions"] = situation_discussions
