"""What the run screen reads: the agenda's items with how many decisions and action items each
has, and what an item shown in full lists (its minutes history, decisions and action items),
read as rows for those items only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from coalition.core.db import json_datetime, json_rows
from coalition.core.models import User
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, Decision, Meeting, MinutesRevision
from coalition.roster.models import Organization, Person


@dataclass
class RunItems:
    """The agenda items a viewer may see, how many case items are withheld from them, and how
    many decisions and action items were made from each item shown."""

    items: list[AgendaItem]
    hidden_case_items: int = 0
    action_counts: dict[int, int] = field(default_factory=dict)
    decision_counts: dict[int, int] = field(default_factory=dict)


def run_items(meeting: Meeting, *, show_case_items: bool) -> RunItems:
    """The meeting's items in order, with the number of decisions and action items made from
    each, in one query. Case items are left out unless ``show_case_items`` (the caller passes
    ``can_see_case_items(user, meeting)``). What an item shown in full lists (its minutes
    history, decisions and action items) is read by :func:`item_records` for those items only."""
    from coalition.actions.models import ActionItem

    made = (select(func.count(ActionItem.id))
            .where(ActionItem.source_meeting_id == meeting.id,
                   ActionItem.source_agenda_item_id == AgendaItem.id)
            .correlate(AgendaItem).scalar_subquery())
    decided = (select(func.count(Decision.id))
               .where(Decision.agenda_item_id == AgendaItem.id)
               .correlate(AgendaItem).scalar_subquery())
    rows = db.session.execute(
        select(AgendaItem, made, decided).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    shown = [row for row in rows if show_case_items or row[0].item_type != "case"]
    return RunItems(items=[item for item, _, _ in shown], hidden_case_items=len(rows) - len(shown),
                    action_counts={item.id: count for item, count, _ in shown if count},
                    decision_counts={item.id: count for item, _, count in shown if count})


@dataclass(frozen=True)
class RecordRow:
    """A saved version of an item's minutes, or a decision: its text, who and when."""

    id: int
    text: str
    by: str | None  # the user's name; None once the account is gone
    at: datetime


@dataclass(frozen=True)
class ActionRow:
    """An action item made from an agenda item, as the run screen lists it."""

    id: int
    title: str
    owner_name: str
    organization_name: str | None
    due_on: date
    priority: str


@dataclass(frozen=True)
class ItemRecords:
    """What an item shown in full lists, each in the order recorded."""

    revisions: list[RecordRow] = field(default_factory=list)
    decisions: list[RecordRow] = field(default_factory=list)
    action_items: list[ActionRow] = field(default_factory=list)


def item_records(meeting: Meeting, items: list[AgendaItem]) -> dict[int, ItemRecords]:
    """``{item id: its records}`` for the items shown in full (the others show only their
    numbers): the minutes history, the decisions and the action items made from each, with
    the names they show, in one query for any number of items."""
    from coalition.actions.models import ActionItem

    if not items:
        return {}
    revisions = (select(json_rows(id=MinutesRevision.id, text=MinutesRevision.text,
                                  by=User.name, at=MinutesRevision.created_at))
                 .select_from(MinutesRevision)
                 .outerjoin(User, User.id == MinutesRevision.user_id)
                 .where(MinutesRevision.agenda_item_id == AgendaItem.id)
                 .correlate(AgendaItem).scalar_subquery())
    decisions = (select(json_rows(id=Decision.id, text=Decision.text, by=User.name,
                                  at=Decision.created_at))
                 .select_from(Decision).outerjoin(User, User.id == Decision.created_by_id)
                 .where(Decision.agenda_item_id == AgendaItem.id)
                 .correlate(AgendaItem).scalar_subquery())
    actions = (select(json_rows(id=ActionItem.id, title=ActionItem.title,
                                owner_name=Person.name, organization_name=Organization.name,
                                due_on=ActionItem.due_on, priority=ActionItem.priority))
               .select_from(ActionItem).join(Person, Person.id == ActionItem.owner_id)
               .outerjoin(Organization, Organization.id == ActionItem.organization_id)
               .where(ActionItem.source_meeting_id == meeting.id,
                      ActionItem.source_agenda_item_id == AgendaItem.id)
               .correlate(AgendaItem).scalar_subquery())
    records = {}
    for item_id, revision_text, decision_text, action_text in db.session.execute(
            select(AgendaItem.id, revisions, decisions, actions)
            .where(AgendaItem.id.in_([item.id for item in items]))):
        records[item_id] = ItemRecords(
            revisions=_record_rows(revision_text), decisions=_record_rows(decision_text),
            action_items=sorted((ActionRow(
                id=row["id"], title=row["title"], owner_name=row["owner_name"],
                organization_name=row["organization_name"],
                due_on=date.fromisoformat(row["due_on"]), priority=row["priority"])
                for row in json.loads(action_text)), key=lambda row: row.id))
    return records


def _record_rows(text: str) -> list[RecordRow]:
    return sorted((RecordRow(id=row["id"], text=row["text"] or "", by=row["by"],
                             at=json_datetime(row["at"]))
                   for row in json.loads(text)), key=lambda row: row.id)
