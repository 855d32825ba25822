"""Action items on agendas: the "action item" agenda subject and the rule that lists the items
due.

Declares ``agenda_items.action_item_id`` and registers the subject and its rule with meetings
(from :func:`coalition.actions.init_app`). An agenda line names an ordinary item by its title and
owner; an item born of case material becomes a case line ("Case action item AI-00042") that
only attested members of the table see, and nothing of its text is copied onto the agenda.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from coalition.actions.models import OPEN_STATUSES, ActionItem
from coalition.core.localtime import local_today, to_local
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.services.agenda import AgendaContents, register_due_rule
from coalition.meetings.subjects import AgendaSubject, declare_subject_column, register_subject

ACTION_ITEM_MINUTES = 2

declare_subject_column("action_item_id", "action_items.id", use_alter=True)

ACTION_ITEM_SUBJECT = AgendaSubject(key="action_item", column="action_item_id",
                                    label="Action item", partial="actions/_agenda_subject.html")


def agenda_line(action: ActionItem, table_id: int) -> AgendaItem:
    """The agenda line reporting on ``action`` (code only for a case item)."""
    if action.is_case:
        return AgendaItem(table_id=table_id, action_item_id=action.id, item_type="case",
                          title=f"Case action item {action.code}",
                          planned_minutes=ACTION_ITEM_MINUTES)
    return AgendaItem(table_id=table_id, action_item_id=action.id, item_type="internal",
                      title=f"Action item: {action.title} ({action.owner.name}, due "
                            f"{action.due_on:%b %-d})"[:200],
                      planned_minutes=ACTION_ITEM_MINUTES)


def due_action_items(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Open action items of the table due on or before the meeting's (local) date, or already
    overdue, that the agenda does not list yet: one line each."""
    meeting_day = to_local(meeting.starts_at).date()
    actions = db.session.scalars(
        select(ActionItem).where(
            ActionItem.table_id == meeting.table_id, ActionItem.status.in_(OPEN_STATUSES),
            or_(ActionItem.due_on <= meeting_day, ActionItem.due_on < local_today()))
        .options(selectinload(ActionItem.owner))
        .order_by(ActionItem.due_on, ActionItem.id))
    return [agenda_line(action, meeting.table_id) for action in actions
            if not contents.has("action_item", action.id)]


def register() -> None:
    register_subject(ACTION_ITEM_SUBJECT)
    register_due_rule(due_action_items, order=10)
