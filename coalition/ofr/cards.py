"""The fatality review dashboard card: per table the user sits at, its open and selected cases;
for its managers, the records requests past their due date."""

from __future__ import annotations

from coalition.ofr.services import ofr_tables_of, overdue_requests, table_counts
from coalition.reporting.cards import DashboardCard, register_card
from coalition.roster.permissions import can_manage_table


def _card(user, today) -> dict | None:
    tables = ofr_tables_of(user)
    if not tables:
        return None
    counts = table_counts([table.id for table in tables], today)
    managed = [table.id for table in tables if can_manage_table(user, table)]
    overdue = [{"case_id": r.case_id, "code": r.case.code, "agency": r.organization.name,
                "due_on": r.due_on} for r in overdue_requests(managed, today)]
    return {"tables": [dict(counts[table.id], id=table.id, name=table.name) for table in tables],
            "overdue": overdue}


def register() -> None:
    register_card(DashboardCard("fatality_review", "ofr/_card.html", _card, order=35))
