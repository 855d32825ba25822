"""The action item verbs: create one from its source, update its status and note, edit it.

Audit rows name an item by its id (and, for a case item, its code); the title of a case item —
typed during the case discussion — never goes into the log.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from sqlalchemy import bindparam, literal, select, union_all
from sqlalchemy.orm import joinedload

from coalition.actions import notices
from coalition.actions.models import (
    ACTION_STATUS_LABELS,
    ACTION_STATUSES,
    PRIORITIES,
    ActionItem,
    ActionUpdate,
)
from coalition.actions.permissions import can_manage_action_item, can_update_action_item
from coalition.actions.sources import SOURCES, SourceRef, joined_options
from coalition.core import audit
from coalition.core.concurrency import check_version
from coalition.core.db import valid_id
from coalition.core.errors import ServiceError
from coalition.core.kept import kept
from coalition.core.localtime import local_today
from coalition.core.permissions import person_id_of
from coalition.core.text import clean
from coalition.extensions import db
from coalition.roster import seats
from coalition.roster.models import Organization, Person, TableMembership

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
NOTE_MAX = 4000
PAST_LIMIT_DAYS = 30  # a due date further back than this is a typing error, not a real deadline
FUTURE_LIMIT_DAYS = 5 * 365 + 1  # nor is one more than five years ahead
OWNER_MESSAGE = "Choose an owner who sits at this table."


# --- one item's page -------------------------------------------------------------------------

@cache
def _item_statement():
    """An item with what its page and the permission checks read of it (its table, owner and
    organization joined; its log, with who wrote each entry and whom it reassigned, joined as
    well: one item's log is short, and a second round trip cost more than its repeated
    columns), built once: the id is its parameter."""
    log = joinedload(ActionItem.updates)
    return select(ActionItem).where(ActionItem.id == bindparam("item_id")).options(
        joinedload(ActionItem.table), joinedload(ActionItem.owner),
        joinedload(ActionItem.organization), joinedload(ActionItem.assigned_by),
        log.joinedload(ActionUpdate.user),
        log.joinedload(ActionUpdate.old_owner), log.joinedload(ActionUpdate.new_owner),
        *joined_options())  # its source (the sources are registered with the app)


def item_with_log(item_id: int) -> ActionItem | None:
    """The item ``item_id`` for its page (None if there is none); who may see it is the
    caller's to check."""
    if valid_id(item_id) is None:
        return None
    return db.session.scalars(_item_statement(), {"item_id": item_id}).unique().one_or_none()


# --- the edit form's choices ------------------------------------------------------------------

@cache
def _seated_statement():
    """The statement of :func:`seated_choices`, built once (the table id is its parameter)."""
    seated = TableMembership.table_id == bindparam("table_id")
    people = (select(literal(0).label("kind"), Person.id.label("id"),
                     Person.name.label("name"))
              .join(TableMembership, TableMembership.person_id == Person.id)
              .where(seated, Person.is_active.is_(True)))
    organizations = (select(literal(1), Organization.id, Organization.name)
                     .where(Organization.id.in_(select(TableMembership.organization_id)
                                                .where(seated))))
    both = union_all(people, organizations).subquery()
    return (select(both.c.kind, both.c.id, both.c.name)
            .order_by(both.c.kind, both.c.name, both.c.id))


def seated_choices(table_id: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """``(people, organizations)`` seated at the table, each ``[(id, name)]`` by name, read in
    one query: the active people (as ``seats.people_at``) and the organizations they sit for
    (as ``seats.organizations_at``). Roster names only: kept until the data changes (fresh
    lists each call, the caller may add to them)."""
    def build() -> tuple[tuple, tuple]:
        chosen: tuple[list, list] = ([], [])
        for kind, ident, name in db.session.execute(_seated_statement(),
                                                    {"table_id": table_id}):
            chosen[kind].append((ident, name))
        return tuple(chosen[0]), tuple(chosen[1])
    people, organizations = kept("actions.seated_choices", table_id, build)
    return list(people), list(organizations)


def hand_over_choices(table_id: int) -> list[tuple[int, str]]:
    """``seats.seat_choices`` of the table (roster names only), kept until the data changes."""
    return list(kept("actions.seat_choices", table_id,
                     lambda: tuple(seats.seat_choices(table_id))))


# --- checks ---------------------------------------------------------------------------------

def _title(title) -> str:
    return clean(title, field="title", max_length=TITLE_MAX, required="Enter what must be done.")


def _description(description) -> str:
    return clean(description, field="description", max_length=DESCRIPTION_MAX, multiline=True)


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


def _owner_seat(table_id: int, person_id) -> TableMembership:
    """Only active people seated at the table may own its action items."""
    return seats.require_seat(table_id, person_id, field="owner_id", message=OWNER_MESSAGE,
                              active=True)


def _organization_id(organization_id, seat: TableMembership | None) -> int | None:
    """The given organization, or by default the one the owner sits at the table for."""
    if organization_id in (None, ""):
        return seat.organization_id if seat is not None else None
    organization_id = valid_id(organization_id)
    org = db.session.get(Organization, organization_id) if organization_id is not None else None
    if org is None:
        raise ServiceError("Choose an organization from the list.", field="organization_id")
    return org.id


def described(item: ActionItem) -> str:
    """How audit rows, reminders and agenda lines name an item: its title, or for an item born
    of case material only its code."""
    return f"case action item {item.code}" if item.is_case else repr(item.title)


# --- verbs ----------------------------------------------------------------------------------

def create_action_item(actor, *, table, source: SourceRef, title, description: str = "",
                       owner_id, organization_id=None, due_on, priority: str = "normal"
                       ) -> ActionItem:
    """Record an action item of ``table`` decided at ``source`` (a registered source).

    The owner must sit at the table; the organization defaults to the one they sit there for.
    The item is case material when its source is. Whether ``actor`` may create items there is
    the caller's check.
    """
    if source.key not in SOURCES:
        raise ServiceError("An action item needs a known source.")
    today = local_today()
    values = {
        "title": _title(title),
        "description": _description(description),
        "priority": _priority(priority),
        "due_on": _due_on(due_on, today),
    }
    seat = _owner_seat(table.id, owner_id)
    values["organization_id"] = _organization_id(organization_id, seat)
    item = ActionItem(owner_id=seat.person_id, table_id=table.id, is_case=source.is_case,
                      status="open", created_by_id=getattr(actor, "id", None),
                      assigned_by_id=person_id_of(actor), **values)
    for column, value in source.columns.items():
        setattr(item, column, value)
    db.session.add(item)
    db.session.add(ActionUpdate(action_item=item, user_id=getattr(actor, "id", None),
                                note="Created.", new_status="open", new_owner_id=seat.person_id))
    db.session.flush()
    audit.log(actor, "create", item, case_table=table if item.is_case else None,
              summary=f"{described(item)} owned by {seat.person.name}, due "
                      f"{item.due_on.isoformat()}, {source.note}")
    notices.assigned(actor, item)
    return item


def update_action_item(actor, item: ActionItem, *, status=None, note: str = "",
                       version_id) -> ActionUpdate:
    """The owner's (or a manager's) progress report: a new status, a note, or both."""
    if actor is not None and not can_update_action_item(actor, item):
        raise ServiceError("Only the owner and the table's managers update this item.")
    check_version(item, version_id, "action item")
    note = clean(note, field="note", max_length=NOTE_MAX, multiline=True)
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
    db.session.flush()
    summary = (f"status: {ACTION_STATUS_LABELS[old_status]} → {ACTION_STATUS_LABELS[status]}"
               if status != old_status else "note added")
    if note and not item.is_case:
        summary += f"; note: {note[:200]}"
    elif note:
        summary += "; note added"
    audit.log(actor, "update", item, summary=f"{described(item)}: {summary}",
              case_table=item.table if item.is_case else None)
    if status != old_status:
        notices.status_changed(actor, item)
    return update


def edit_action_item(actor, item: ActionItem, *, version_id, title, description, owner_id,
                     organization_id, due_on, priority) -> bool:
    """A manager's edit, reassignment included (logged with the old and new owner).

    Returns False when nothing changed. Reassigning moves the item out of the previous owner's
    list and reminder digests at once: both are computed from the current owner.
    """
    if actor is not None and not can_manage_action_item(actor, item):
        raise ServiceError("Only the table's managers and coordinators edit this item.")
    check_version(item, version_id, "action item")
    before = {"title": item.title, "description": item.description, "owner": item.owner_id,
              "organization": item.organization_id, "due_on": item.due_on,
              "priority": item.priority}
    after = {"title": _title(title), "description": _description(description),
             "priority": _priority(priority)}
    if due_on != item.due_on:  # an overdue item keeps its old date without a complaint
        _due_on(due_on, local_today())
    after["due_on"] = due_on
    seat = (_owner_seat(item.table_id, owner_id) if owner_id != item.owner_id
            else seats.find_seat(item.table_id, item.owner_id))
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
        item.assigned_by_id = person_id_of(actor)
    changed = [name.replace("_", " ") for name in after if before[name] != after[name]]
    update = ActionUpdate(action_item=item, user_id=getattr(actor, "id", None),
                          note="Edited: " + ", ".join(changed) + ".")
    reassigned = before["owner"] != after["owner"]
    if reassigned:
        update.old_owner_id, update.new_owner_id = before["owner"], after["owner"]
    db.session.add(update)
    db.session.flush()
    if item.is_case:  # what changed, never what it says
        summary = ", ".join(changed) + " changed"
    else:
        summary = audit.describe_changes({k: str(v) for k, v in before.items()},
                                         {k: str(v) for k, v in after.items()})
    if reassigned:
        summary = f"reassigned from {old_owner.name} to {seat.person.name}; " + summary
    audit.log(actor, "reassign" if reassigned else "update", item,
              summary=f"{described(item)}: {summary}",
              case_table=item.table if item.is_case else None)
    if reassigned:
        notices.assigned(actor, item)
    return True
