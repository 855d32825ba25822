"""The action item verbs: create one from a meeting, update its status and note, edit it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from coalition.actions.models import (
    ACTION_STATUS_LABELS,
    ACTION_STATUSES,
    PRIORITIES,
    ActionItem,
    ActionUpdate,
)
from coalition.core import audit
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.permissions import can_manage_table, can_update_action_item
from coalition.extensions import db
from coalition.roster.models import Organization, Person, TableMembership
from coalition.roster.services.validation import valid_id

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
NOTE_MAX = 4000
PAST_LIMIT_DAYS = 30  # a due date further back than this is a typing error, not a real deadline
FUTURE_LIMIT_DAYS = 5 * 365 + 1  # nor is one more than five years ahead


class EditConflict(ServiceError):
    """The action item changed since the form was loaded (optimistic concurrency)."""

    def __init__(self):
        super().__init__(
            "Someone else changed this action item while you were working on it. Their version "
            "is shown and what you typed is still in the form: review it and save again."
        )


# --- checks ---------------------------------------------------------------------------------

def _check_version(item: ActionItem, version_id) -> None:
    try:
        version_id = int(version_id)
    except (TypeError, ValueError):
        version_id = None
    if version_id != item.version_id:
        raise EditConflict()


def _flush() -> None:
    """Flush; a concurrent save that slipped in after the version check is a conflict."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise EditConflict() from error


def _title(title) -> str:
    title = (title or "").strip()
    if not title:
        raise ServiceError("Enter what must be done.", field="title")
    if len(title) > TITLE_MAX:
        raise ServiceError(f"Use at most {TITLE_MAX} characters.", field="title")
    return title


def _description(description) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(f"Use at most {DESCRIPTION_MAX} characters.", field="description")
    return description


def _priority(priority) -> str:
    if priority not in PRIORITIES:
        raise ServiceError("Choose low, normal or high.", field="priority")
    return priority


def _due_on(due_on, today: date) -> date:
    if not isinstance(due_on, date):
        raise ServiceError("Enter the due date, like 2026-03-31.", field="due_on")
    if due_on < today - timedelta(days=PAST_LIMIT_DAYS):
        raise ServiceError(f"The due date is more than {PAST_LIMIT_DAYS} days in the past: "
                           "check the year.", field="due_on")
    if due_on > today + timedelta(days=FUTURE_LIMIT_DAYS):
        raise ServiceError("The due date is more than five years ahead: check the year.",
                           field="due_on")
    return due_on


def _seat(table_id: int, person_id) -> TableMembership:
    """The owner's seat at the table: only people seated there may own its action items."""
    seat = None
    person_id = valid_id(person_id)
    if person_id is not None:
        seat = db.session.scalar(select(TableMembership).where(
            TableMembership.table_id == table_id, TableMembership.person_id == person_id))
    if seat is None:
        raise ServiceError("Choose an owner who sits at this table.", field="owner_id")
    if not seat.person.is_active:
        raise ServiceError("This person is inactive: choose an active owner.", field="owner_id")
    return seat


def _organization_id(organization_id, seat: TableMembership | None) -> int | None:
    """The given organization, or by default the one the owner sits at the table for."""
    if organization_id in (None, ""):
        return seat.organization_id if seat is not None else None
    organization_id = valid_id(organization_id)
    org = db.session.get(Organization, organization_id) if organization_id is not None else None
    if org is None:
        raise ServiceError("Choose an organization from the list.", field="organization_id")
    return org.id


def seated_people(table_id: int) -> list[tuple[int, str]]:
    """``(id, name)`` of the active people seated at a table: who may own its action items."""
    rows = db.session.execute(
        select(Person.id, Person.name)
        .join(TableMembership, TableMembership.person_id == Person.id)
        .where(TableMembership.table_id == table_id, Person.is_active.is_(True))
        .order_by(Person.name, Person.id))
    return [(person_id, name) for person_id, name in rows]


# --- verbs ----------------------------------------------------------------------------------

def create_action_item(actor, *, meeting, agenda_item=None, title, description: str = "",
                       owner_id, organization_id=None, due_on, priority: str = "normal"
                       ) -> ActionItem:
    """Record an action item decided at ``meeting`` (optionally under one of its agenda items).

    The owner must sit at the meeting's table; the organization defaults to the one they sit
    there for. Whether ``actor`` may add items to the meeting is the caller's check.
    """
    if meeting.id is None or (agenda_item is not None and agenda_item.id is None):
        db.session.flush()  # a meeting (or agenda item) created in the same transaction
    if agenda_item is not None and agenda_item.meeting_id != meeting.id:
        raise ServiceError("Choose an agenda item of this meeting.", field="agenda_item_id")
    today = local_today()
    values = {
        "title": _title(title),
        "description": _description(description),
        "priority": _priority(priority),
        "due_on": _due_on(due_on, today),
    }
    seat = _seat(meeting.table_id, owner_id)
    values["organization_id"] = _organization_id(organization_id, seat)
    item = ActionItem(owner_id=seat.person_id, table_id=meeting.table_id,
                      source_meeting_id=meeting.id,
                      source_agenda_item_id=agenda_item.id if agenda_item is not None else None,
                      status="open", created_by_id=getattr(actor, "id", None), **values)
    db.session.add(item)
    db.session.add(ActionUpdate(action_item=item, user_id=getattr(actor, "id", None),
                                note="Created.", new_status="open", new_owner_id=seat.person_id))
    db.session.flush()
    audit.log(actor, "create", item,
              summary=f"{item.title!r} owned by {seat.person.name}, due {item.due_on.isoformat()}"
                      f", from meeting {meeting.id}")
    return item


def update_action_item(actor, item: ActionItem, *, status=None, note: str = "",
                       version_id) -> ActionUpdate:
    """The owner's (or a manager's) progress report: a new status, a note, or both."""
    if actor is not None and not can_update_action_item(actor, item):
        raise ServiceError("Only the owner and the table's managers update this item.")
    _check_version(item, version_id)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Use at most {NOTE_MAX} characters.", field="note")
    if status in (None, ""):
        status = item.status
    if status not in ACTION_STATUSES:
        raise ServiceError("Choose a status from the list.", field="status")
    if status == item.status and not note:
        raise ServiceError("Change the status or write a note.", field="note")
    old_status = item.status
    update = ActionUpdate(action_item=item, user_id=getattr(actor, "id", None), note=note)
    if status != old_status:
        update.old_status, update.new_status = old_status, status
        item.status = status
        item.completed_on = local_today() if status == "done" else None
    db.session.add(update)
    _flush()
    summary = (f"status: {ACTION_STATUS_LABELS[old_status]} → {ACTION_STATUS_LABELS[status]}"
               if status != old_status else "note added")
    audit.log(actor, "update", item, summary=summary + (f"; note: {note[:200]}" if note else ""))
    return update


def edit_action_item(actor, item: ActionItem, *, version_id, title, description, owner_id,
                     organization_id, due_on, priority) -> bool:
    """A manager's edit, reassignment included (logged with the old and new owner).

    Returns False when nothing changed. Reassigning moves the item out of the previous owner's
    list and reminder digests at once: both are computed from the current owner.
    """
    if actor is not None and not can_manage_table(actor, item.table):
        raise ServiceError("Only the table's managers and coordinators edit this item.")
    _check_version(item, version_id)
    before = {"title": item.title, "description": item.description, "owner": item.owner_id,
              "organization": item.organization_id, "due_on": item.due_on,
              "priority": item.priority}
    after = {"title": _title(title), "description": _description(description),
             "priority": _priority(priority)}
    if due_on != item.due_on:  # an overdue item keeps its old date without a complaint
        _due_on(due_on, local_today())
    after["due_on"] = due_on
    if owner_id != item.owner_id:
        seat = _seat(item.table_id, owner_id)
    else:
        seat = db.session.scalar(select(TableMembership).where(
            TableMembership.table_id == item.table_id,
            TableMembership.person_id == item.owner_id))
    after["owner"] = seat.person_id if seat is not None else item.owner_id
    after["organization"] = _organization_id(organization_id, seat)
    if before == after:
        return False
    old_owner = item.owner
    item.title, item.description = after["title"], after["description"]
    item.priority, item.due_on = after["priority"], after["due_on"]
    if after["organization"] != before["organization"]:
        item.organization = (db.session.get(Organization, after["organization"])
                             if after["organization"] is not None else None)
    if seat is not None and after["owner"] != before["owner"]:
        item.owner = seat.person
    changed = [name.replace("_", " ") for name in after if before[name] != after[name]]
    update = ActionUpdate(action_item=item, user_id=getattr(actor, "id", None),
                          note="Edited: " + ", ".join(changed) + ".")
    reassigned = before["owner"] != after["owner"]
    if reassigned:
        update.old_owner_id, update.new_owner_id = before["owner"], after["owner"]
    db.session.add(update)
    _flush()
    summary = audit.describe_changes(
        {k: str(v) for k, v in before.items()}, {k: str(v) for k, v in after.items()})
    if reassigned:
        summary = f"reassigned from {old_owner.name} to {seat.person.name}; " + summary
    audit.log(actor, "reassign" if reassigned else "update", item, summary=summary)
    return True
