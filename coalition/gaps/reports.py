"""The governing committee's report: every recommendation by status, lead agency, age, last
update, blockers and the progress of its work plan, the stalled ones first, and the decisions
recorded since the last report. Registered in the reporting catalog (``committee``).

Recommendations are coalition business, not case material: no case is named. The public
edition lists community-level recommendations only (a case-specific one can describe a case).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coalition.core.localtime import local_today, to_local
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.gaps.models import DECISIONS, Recommendation
from coalition.gaps.services.recommendations import (
    is_stalled,
    progress_of,
    recommendation_query,
    stalled_days,
    status_counts,
)
from coalition.reporting import catalog, charts
from coalition.reporting.frame import frame

KEY = "committee"
CONTENTS = [("overview", "Overview"), ("stalled", "Stalled recommendations"),
            ("decisions", "Decisions since the last report"),
            ("all", "Every recommendation")]


def last_report_on(table_id: int) -> date | None:
    """The day this report was last generated for the table (from the audit log)."""
    moment = db.session.scalar(
        select(AuditEvent.occurred_at)
        .where(AuditEvent.action == "report", AuditEvent.object_type == "coalition_tables",
               AuditEvent.object_id == table_id, AuditEvent.summary.like(f"{KEY}:%"))
        .order_by(AuditEvent.occurred_at.desc()).limit(1))
    return to_local(moment).date() if moment else None


def _row(rec: Recommendation, progress, today: date) -> dict:
    return {
        "code": rec.code, "text": rec.text, "status": rec.status.label,
        "scope": "Case-specific" if rec.scope == "case_specific" else "Community-level",
        "lead": rec.lead_organization.name if rec.lead_organization else "Not set",
        "lead_person": rec.lead_person.name if rec.lead_person else "",
        "age_days": (today - to_local(rec.created_at).date()).days,
        "last_update": f"{rec.last_update_on:%b %-d, %Y}",
        "days_since_update": (today - rec.last_update_on).days,
        "blockers": rec.blockers,
        "stalled": is_stalled(rec, today),
        "decision": DECISIONS.get(rec.decision or "", "Not decided"),
        "done": progress.done, "total": progress.total, "overdue": progress.overdue,
        "percent": progress.percent,
    }


def build(actor, table, period, audience: str, policy) -> dict:
    today = local_today()
    stmt = recommendation_query(today=today).options(
        selectinload(Recommendation.lead_organization), selectinload(Recommendation.lead_person))
    if audience == catalog.PUBLIC:
        stmt = stmt.where(Recommendation.scope == "community")
    recs = list(db.session.scalars(stmt))
    progress = progress_of([r.id for r in recs], today)
    rows = [_row(r, progress[r.id], today) for r in recs]
    if audience == catalog.PUBLIC:
        for row in rows:  # the agencies lead; the people who work there are not named
            row["lead_person"] = ""
    since = last_report_on(table.id)
    start = max(since, period.start) if since else period.start
    decisions = [{"code": r.code, "text": r.text, "decision": DECISIONS[r.decision],
                  "note": r.decision_note, "on": f"{r.decided_on:%b %-d, %Y}"}
                 for r in sorted((r for r in recs if r.decision and r.decided_on
                                  and start <= r.decided_on <= period.end),
                                 key=lambda r: (r.decided_on, r.code))]
    counts = [(label, n) for _, label, n in status_counts()]
    if audience == catalog.PUBLIC:
        shown_codes = {r.code for r in recs}
        counts = [(label, sum(1 for r in rows if r["status"] == label and r["code"] in
                              shown_codes)) for label, _ in counts]
    bars = [charts.Bar(label, n, str(n)) for label, n in counts if n]
    stalled = [r for r in rows if r["stalled"]]
    notes = [f"A recommendation is stalled when it is not finished and has had no status "
             f"update for {stalled_days()} days. Progress counts the action items of its work "
             f"plan that are done, of those not cancelled.",
             "Decisions are the governing committee's: endorsed, returned with a note, or "
             "declined."]
    if audience == catalog.PUBLIC:
        notes.append("This edition lists community-level recommendations only.")
    return {
        "report": frame(title="Recommendations: status for the governing committee",
                        kind_label="Governing committee report", table_name=table.name,
                        period=period, audience=audience, policy=policy, contents=CONTENTS,
                        notes=notes),
        "total": len(rows), "stalled_count": len(stalled),
        "in_progress": sum(1 for r in rows if r["status"] == "In progress"),
        "decisions_since": f"{start:%B %-d, %Y}",
        "since_last_report": since is not None and since >= period.start,
        "chart": charts.bar_chart("Recommendations by status", bars) if bars else "",
        "status_counts": [{"label": label, "count": n} for label, n in counts],
        "stalled": stalled, "rows": rows, "decisions": decisions,
    }


def preview(context: dict) -> list[tuple[str, str]]:
    return [("Recommendations", str(context["total"])),
            ("Stalled", str(context["stalled_count"])),
            ("In progress", str(context["in_progress"])),
            (f"Decisions since {context['decisions_since']}", str(len(context["decisions"])))]


def register() -> None:
    catalog.register(catalog.Report(
        key=KEY, title="Governing committee report",
        summary="Every recommendation's status, lead agency, age, last update, blockers and "
                "work-plan progress, the stalled ones first, and the committee's decisions "
                "since the last report.",
        table_kinds=frozenset({"coalition"}), template="gaps/committee.html",
        build=build, preview=preview, order=20))
