"""The "Next meetings" dashboard card: each active table the user sits at (every active table
for coordinators, who manage them all) with its next meeting, or a link to schedule one for
those who may. One query, however many tables."""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select

from coalition.core.db import db, utcnow
from coalition.core.permissions import person_id_of
from coalition.meetings.models import Meeting
from coalition.reporting.cards import DashboardCard, register_card
from coalition.roster.models import CoalitionTable, TableMembership

OPEN_STATUSES = ("draft", "scheduled", "in_progress")


def next_meetings(user) -> list[dict]:
    """``{table_id, table_name, may_schedule, meeting}`` per table, by table name; ``meeting``
    is a dict of primitive values or None when nothing is scheduled."""
    person_id = person_id_of(user) or -1
    ranked = (select(Meeting.id, Meeting.table_id, Meeting.title, Meeting.starts_at,
                     Meeting.ends_at, Meeting.location, Meeting.status,
                     func.row_number().over(partition_by=Meeting.table_id,
                                            order_by=(Meeting.starts_at, Meeting.id))
                     .label("rank"))
              .where(Meeting.ends_at >= utcnow(), Meeting.status.in_(OPEN_STATUSES))
              .subquery())
    seated = select(TableMembership.table_id).where(TableMembership.person_id == person_id)
    manages = exists().where(TableMembership.table_id == CoalitionTable.id,
                             TableMembership.person_id == person_id,
                             TableMembership.role == "manager")
    stmt = (select(CoalitionTable.id, CoalitionTable.name, manages.label("manages"),
                   ranked.c.id, ranked.c.title, ranked.c.starts_at, ranked.c.location,
                   ranked.c.status)
            .outerjoin(ranked, and_(ranked.c.table_id == CoalitionTable.id, ranked.c.rank == 1))
            .where(CoalitionTable.is_active.is_(True))
            .order_by(CoalitionTable.name_key, CoalitionTable.id))
    if not user.is_coordinator:
        stmt = stmt.where(CoalitionTable.id.in_(seated))
    rows = []
    for table_id, name, manager, meeting_id, title, starts_at, location, status in \
            db.session.execute(stmt):
        meeting = None if meeting_id is None else {
            "id": meeting_id, "title": title, "starts_at": starts_at, "location": location,
            "status": status}
        rows.append({"table_id": table_id, "table_name": name, "meeting": meeting,
                     "may_schedule": bool(user.is_coordinator or manager)})
    return rows


def _card(user, today) -> dict | None:
    tables = next_meetings(user)
    return {"tables": tables} if tables else None


def register() -> None:
    register_card(DashboardCard("next_meetings", "meetings/_card_next.html", _card, order=10))
