"""Members assigning action items: a new item between meetings, handing an item over, and the
items a person assigned.

A member creates an item for a table they sit at and assigns it to anyone seated there,
themselves included; the owner of an open item hands it to another seated person with a note.
Each is logged (an update-log row and an audit row) and the new owner is told
(``actions.notices``). Items made between meetings come from the table (``table_source``) and
are never case material.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coalition.actions import notices
from coalition.actions.models import OPEN_STATUSES, ActionItem, ActionUpdate
from coalition.actions.permissions import can_create_at_table, can_hand_over_action_item
from coalition.actions.services.items import (
    NOTE_MAX,
    OWNER_MESSAGE,
    _owner_seat,
    create_action_item,
    described,
)
from coalition.actions.services.listing import _by_due_date
from coalition.actions.table_source import from_table
from coalition.core import audit
from coalition.core.concurrency import check_version
from coalition.core.errors import ServiceError
from coalition.core.permissions import person_id_of
from coalition.core.text import clean
from coalition.extensions import db
from coalition.roster import seats
from coalition.roster.models import CoalitionTable

HAND_OVER_NOTE_REQUIRED = "Write a note for the new owner: what is done, what comes next."


def tables_for_new_items(actor) -> list[CoalitionTable]:
    """The tables ``actor`` may create items for between meetings: the active ones they sit
    at."""
    return [table for table in seats.tables_of(actor) if table.is_active]


def create_between_meetings(actor, table, *, title, description: str = "", owner_id, due_on,
                            priority: str = "normal") -> ActionItem:
    """A new item for ``table`` made between meetings, owned by someone seated there."""
    if actor is not None and not can_create_at_table(actor, table):
        raise ServiceError("You may create action items only for a table you sit at.",
                           field="table_id")
    return create_action_item(actor, table=table, source=from_table(table), title=title,
                              description=description, owner_id=owner_id, due_on=due_on,
                              priority=priority)


def hand_over(actor, item: ActionItem, *, owner_id, note, version_id) -> ActionUpdate:
    """The owner hands ``item`` to another active person seated at its table, with a note.

    The handing person becomes the item's assigner (told when it is done or blocked); the new
    owner is told, and the reminders follow the new owner from now on.
    """
    if actor is not None and not can_hand_over_action_item(actor, item):
        raise ServiceError("Only the owner of an open item hands it over.")
    check_version(item, version_id, "action item")
    note = clean(note, field="note", max_length=NOTE_MAX, multiline=True,
                 required=HAND_OVER_NOTE_REQUIRED)
    seat = _owner_seat(item.table_id, owner_id)
    if seat.person_id == item.owner_id:
        raise ServiceError("Choose someone else: the item is already theirs.", field="owner_id")
    old_owner = item.owner
    item.owner = seat.person
    item.organization_id = seat.organization_id
    item.assigned_by_id = person_id_of(actor)
    update = ActionUpdate(action_item=item, user_id=getattr(actor, "id", None),
                          note=f"Handed over: {note}", old_owner_id=old_owner.id,
                          new_owner_id=seat.person_id)
    db.session.add(update)
    db.session.flush()
    summary = f"handed over from {old_owner.name} to {seat.person.name}"
    summary += "; note added" if item.is_case else f"; note: {note[:200]}"
    audit.log(actor, "reassign", item, summary=f"{described(item)}: {summary}",
              case_table=item.table if item.is_case else None)
    notices.handed_over(actor, item, note)
    return update


def assigned_by_query(person_id: int, *, status: str = "all"):
    """Items ``person_id`` gave to someone else (and that still are someone else's): open ones
    first, by due date, with what the list shows loaded."""
    stmt = (select(ActionItem)
            .where(ActionItem.assigned_by_id == person_id, ActionItem.owner_id != person_id)
            .options(selectinload(ActionItem.owner), selectinload(ActionItem.organization),
                     selectinload(ActionItem.table)))
    if status == "open":
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES))
    elif status == "closed":
        stmt = stmt.where(ActionItem.status.not_in(OPEN_STATUSES))
    return _by_due_date(stmt, status)


__all__ = ["OWNER_MESSAGE", "assigned_by_query", "create_between_meetings", "hand_over",
           "tables_for_new_items"]
