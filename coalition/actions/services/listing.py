"""Action item lists (mine, the coalition's), the dashboard counts and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from coalition.actions.models import OPEN_STATUSES, ActionItem
from coalition.core.permissions import LEADER, has_level, visible_tables_clause
from coalition.extensions import db
from coalition.roster.models import CoalitionTable

# Filter values of the status select: "open" means any of the open statuses.
LIST_STATUSES = ("open", "in_progress", "blocked", "done", "cancelled", "all")
MY_STATUSES = ("all", "open", "closed")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = ("ID", "Title", "Owner", "Organization", "Table", "Status", "Priority", "Due on",
               "Due state", "Completed on", "Source meeting", "Description")
DUE_STATE_LABELS = {"overdue": "Overdue", "due_soon": "Due soon", "later": "", "closed": ""}


def _eager(stmt):
    """Load what the lists show in a fixed number of queries, however many rows there are."""
    return stmt.options(
        selectinload(ActionItem.owner), selectinload(ActionItem.organization),
        selectinload(ActionItem.table), selectinload(ActionItem.source_meeting))


def _open_first():
    return case((ActionItem.status.in_(OPEN_STATUSES), 0), else_=1)


def my_items_query(person_id: int, *, status: str = "all"):
    """A person's own items: open ones first, each group by due date."""
    stmt = select(ActionItem).where(ActionItem.owner_id == person_id)
    if status == "open":
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES))
    elif status == "closed":
        stmt = stmt.where(ActionItem.status.not_in(OPEN_STATUSES))
    return _eager(stmt.order_by(_open_first(), ActionItem.due_on, ActionItem.id))


def _visible(viewer):
    """Items of the tables the viewer may see, plus their own (as ``can_view_action_item``)."""
    tables = select(CoalitionTable.id).where(visible_tables_clause(viewer))
    clause = ActionItem.table_id.in_(tables)
    person_id = getattr(viewer, "person_id", None)
    if person_id is not None:
        clause = or_(clause, ActionItem.owner_id == person_id)
    return clause


def item_list_query(viewer, *, today: date, table_id: int | None = None,
                    organization_id: int | None = None, owner_id: int | None = None,
                    status: str | None = "open", overdue_only: bool = False):
    """The coalition's action items the viewer may see, filtered, by due date."""
    stmt = select(ActionItem).where(_visible(viewer))
    if table_id is not None:
        stmt = stmt.where(ActionItem.table_id == table_id)
    if organization_id is not None:
        stmt = stmt.where(ActionItem.organization_id == organization_id)
    if owner_id is not None:
        stmt = stmt.where(ActionItem.owner_id == owner_id)
    if status == "open" or status in (None, ""):
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES))
    elif status != "all":
        stmt = stmt.where(ActionItem.status == status)
    if overdue_only:
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_on < today)
    return _eager(stmt.order_by(_open_first(), ActionItem.due_on, ActionItem.id))


def dashboard_counts(user, *, today: date, soon_days: int) -> dict:
    """The "My action items" card: the user's overdue and due-soon counts (and, for leaders and
    coordinators, how many items are overdue coalition-wide)."""
    counts: dict = {"overdue": 0, "due_soon": 0, "coalition_overdue": None}
    is_open = ActionItem.status.in_(OPEN_STATUSES)
    if user.person_id is not None:
        overdue, due_soon = db.session.execute(select(
            func.count(case((ActionItem.due_on < today, 1))),
            func.count(case((ActionItem.due_on.between(today, today + timedelta(days=soon_days)),
                             1))),
        ).where(ActionItem.owner_id == user.person_id, is_open)).one()
        counts.update(overdue=overdue, due_soon=due_soon)
    if has_level(user, LEADER):
        counts["coalition_overdue"] = db.session.scalar(
            select(func.count(ActionItem.id)).where(is_open, ActionItem.due_on < today))
    return counts


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab or
    carriage return) gets a leading single quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_csv(items, *, today: date, soon_days: int) -> str:
    """The filtered list as CSV text (header row first; every cell formula-safe)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow([csv_safe(cell) for cell in (
            item.id, item.title, item.owner.name,
            item.organization.name if item.organization else "", item.table.name,
            item.status_label, item.priority_label, item.due_on.isoformat(),
            DUE_STATE_LABELS[item.due_state(today, soon_days)],
            item.completed_on.isoformat() if item.completed_on else "",
            item.source_meeting.title if item.source_meeting is not None else "",
            item.description,
        )])
    return out.getvalue()
