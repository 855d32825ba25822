"""Agendas that fill themselves, and the coordinator's edits to them.

A new meeting's agenda starts from the table's template (one section row per template section)
and is then filled with what is due by the rules in ``DUE_ITEM_RULES``. Each rule is a query
function ``rule(meeting, contents) -> list[AgendaItem]`` that returns the items to add — new,
unsaved rows, or existing rows (a backlog item) to move onto the agenda — and skips whatever
``contents`` (what is already on the agenda) shows is there. Later capabilities append their own
rule with :func:`register_due_rule` (open risk situations to update, cases selected for the
meeting, recommendations due for a status update). Every rule issues a fixed number of queries.
A rule registered with ``section="Title"`` has its items placed at the end of the agenda's section
of that title (when the agenda has one); the others go under the first section that receives due
items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import selectinload

from coalition.actions.models import OPEN_STATUSES, ActionItem
from coalition.core import audit
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today, to_local
from coalition.core.permissions import can_see_case_items, table_role
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, AgendaTemplateSection, Meeting
from coalition.meetings.services.scheduling import next_meeting, previous_meeting
from coalition.meetings.services.templates import (
    clean_item_type,
    clean_minutes,
    clean_title,
    ensure_template,
)

ACTION_ITEM_MINUTES = 2
CLOSED_MESSAGE = "This meeting is closed: its agenda can no longer be changed."
RUNNING_MESSAGE = "While the meeting is in progress you can only add items to its agenda."


@dataclass
class AgendaContents:
    """What is on a meeting's agenda, loaded once, for the rules to skip what is there."""

    items: list[AgendaItem]
    action_item_ids: set[int] = field(default_factory=set)
    carried_from_ids: set[int] = field(default_factory=set)
    situation_ids: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, meeting: Meeting) -> AgendaContents:
        items = list(db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)))
        return cls(items=items,
                   action_item_ids={i.action_item_id for i in items if i.action_item_id},
                   carried_from_ids={i.carried_from_id for i in items if i.carried_from_id},
                   situation_ids={i.situation_id for i in items if i.situation_id})


DueRule = Callable[[Meeting, AgendaContents], list[AgendaItem]]
DUE_ITEM_RULES: list[DueRule] = []
# rule → title of the agenda section its items go under (rules not listed: the due slot)
DUE_RULE_SECTIONS: dict[DueRule, str] = {}


def register_due_rule(rule: DueRule | None = None, *, section: str | None = None):
    """Add ``rule`` to the rules that fill agendas; idempotent. Usable as a decorator, bare or
    as ``@register_due_rule(section="New situations")`` to place the rule's items at the end of
    that section of the agenda (falling back to the due slot when the agenda has no such
    section)."""
    def add(fn: DueRule) -> DueRule:
        if fn not in DUE_ITEM_RULES:
            DUE_ITEM_RULES.append(fn)
        if section:
            DUE_RULE_SECTIONS[fn] = section
        return fn
    return add if rule is None else add(rule)


@register_due_rule
def due_action_items(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Open action items of the table due on or before the meeting's (local) date, or already
    overdue, that the agenda does not list yet: one line each, linked by ``action_item_id``."""
    meeting_day = to_local(meeting.starts_at).date()
    actions = db.session.scalars(
        select(ActionItem).where(
            ActionItem.table_id == meeting.table_id, ActionItem.status.in_(OPEN_STATUSES),
            or_(ActionItem.due_on <= meeting_day, ActionItem.due_on < local_today()))
        .options(selectinload(ActionItem.owner))
        .order_by(ActionItem.due_on, ActionItem.id))
    return [AgendaItem(table_id=meeting.table_id, action_item_id=action.id,
                       title=f"Action item: {action.title} ({action.owner.name}, due "
                             f"{action.due_on:%b %-d})"[:200],
                       item_type="internal", planned_minutes=ACTION_ITEM_MINUTES)
            for action in actions if action.id not in contents.action_item_ids]


@register_due_rule
def carried_over_items(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Items of the table's previous meeting that were not discussed, or that have open action
    items sourced from them, copied with ``carried_from_id`` (sections and action-item lines,
    which :func:`due_action_items` handles, and items about a risk situation, which the
    situation rules list while the situation is open, are not carried)."""
    previous = previous_meeting(meeting)
    if previous is None:
        return []
    open_action = exists().where(ActionItem.source_agenda_item_id == AgendaItem.id,
                                 ActionItem.status.in_(OPEN_STATUSES))
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == previous.id,
                                 AgendaItem.is_section.is_(False),
                                 AgendaItem.action_item_id.is_(None),
                                 AgendaItem.situation_id.is_(None),
                                 or_(AgendaItem.is_discussed.is_(False), open_action))
        .order_by(AgendaItem.position, AgendaItem.id))
    return [AgendaItem(table_id=meeting.table_id, carried_from_id=item.id, title=item.title,
                       description=item.description, item_type=item.item_type,
                       planned_minutes=item.planned_minutes)
            for item in items if item.id not in contents.carried_from_ids]


@register_due_rule
def backlog_items(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Items parked in the table's backlog (no meeting): moved onto this agenda."""
    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.table_id == meeting.table_id,
                                 AgendaItem.meeting_id.is_(None))
        .order_by(AgendaItem.created_at, AgendaItem.id)))


def _check_editable(meeting: Meeting, *, adding: bool = False) -> None:
    if meeting.status == "closed":
        raise ServiceError(CLOSED_MESSAGE)
    if meeting.status == "in_progress" and not adding:
        raise ServiceError(RUNNING_MESSAGE)


def build_agenda(actor, meeting: Meeting) -> int:
    """Start an empty agenda from the table's template, then fill it with what is due.
    Returns the number of due items added."""
    _check_editable(meeting)
    if not meeting.items:
        for position, section in enumerate(ensure_template(meeting.table)):
            db.session.add(AgendaItem(
                table_id=meeting.table_id, meeting=meeting, position=position,
                title=section.title, item_type=section.item_type,
                planned_minutes=section.planned_minutes, is_section=True))
        db.session.flush()
    return refresh_due_items(actor, meeting, _audit_label="build_agenda")


def _section_end(items: list[AgendaItem], titles) -> int | None:
    """The position after the items of the first section whose title is in ``titles``."""
    for index, item in enumerate(items):
        if item.is_section and item.title in titles:
            end = index + 1
            while end < len(items) and not items[end].is_section:
                end += 1
            return items[end - 1].position + 1
    return None


def _due_slot(contents: AgendaContents, meeting: Meeting) -> int:
    """The position where due items go: after the items of the first section whose template
    section receives due items, else at the end."""
    receiving = set(db.session.scalars(
        select(AgendaTemplateSection.title).where(
            AgendaTemplateSection.table_id == meeting.table_id,
            AgendaTemplateSection.receives_due_items.is_(True))))
    slot = _section_end(contents.items, receiving)
    if slot is not None:
        return slot
    items = contents.items
    return (items[-1].position + 1) if items else 0


def _insert(meeting: Meeting, contents: AgendaContents, slot: int,
            new_items: list[AgendaItem]) -> None:
    """Put ``new_items`` at ``slot``, shifting the items from there down."""
    db.session.execute(
        update(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                 AgendaItem.position >= slot)
        .values(position=AgendaItem.position + len(new_items))
        .execution_options(synchronize_session="evaluate"))
    for offset, item in enumerate(new_items):
        item.meeting_id = meeting.id
        item.position = slot + offset
        db.session.add(item)
    contents.items = sorted([*contents.items, *new_items], key=lambda i: i.position)


def refresh_due_items(actor, meeting: Meeting, *, _audit_label: str = "refresh_agenda") -> int:
    """Run every rule of ``DUE_ITEM_RULES`` and add what is not on the agenda yet."""
    _check_editable(meeting, adding=True)
    contents = AgendaContents.of(meeting)
    new_items: list[AgendaItem] = []
    by_section: dict[str, list[AgendaItem]] = {}
    for rule in DUE_ITEM_RULES:
        found = rule(meeting, contents)
        section = DUE_RULE_SECTIONS.get(rule)
        if section and any(i.is_section and i.title == section for i in contents.items):
            by_section.setdefault(section, []).extend(found)
        else:
            new_items.extend(found)
        contents.action_item_ids.update(i.action_item_id for i in found if i.action_item_id)
        contents.carried_from_ids.update(i.carried_from_id for i in found if i.carried_from_id)
        contents.situation_ids.update(i.situation_id for i in found if i.situation_id)
    added = len(new_items) + sum(len(found) for found in by_section.values())
    if added:
        if new_items:
            _insert(meeting, contents, _due_slot(contents, meeting), new_items)
        for section, found in by_section.items():
            if found:
                _insert(meeting, contents, _section_end(contents.items, {section}), found)
        db.session.flush()
        db.session.expire(meeting, ["items"])
    audit.log(actor, _audit_label, meeting, summary=f"{added} due item(s) added")
    return added


# --- reading the agenda -------------------------------------------------------------------

def agenda_for(viewer, meeting: Meeting) -> dict:
    """The agenda as ``viewer`` may see it: the items shown, how many case items are hidden
    (``None`` for people not seated at the table: they are not told), and the planned total."""
    items = list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)))
    sees_cases = can_see_case_items(viewer, meeting)
    # Section headings come from the template and hold no case data: everyone sees them.
    shown = [i for i in items if sees_cases or i.is_section or i.item_type != "case"]
    seated = table_role(viewer, meeting.table) is not None
    hidden = len(items) - len(shown)
    counted = items if seated else shown
    total = sum(i.planned_minutes for i in counted)
    return {"items": shown, "hidden_case_items": hidden if seated else None,
            "sees_case_items": sees_cases, "planned_total": total,
            "is_over_time": total > meeting.duration_minutes}


# --- editing the agenda -------------------------------------------------------------------

def add_item(actor, meeting: Meeting, *, title, item_type="public", planned_minutes=5,
             description="") -> AgendaItem:
    _check_editable(meeting, adding=True)
    last = max((i.position for i in meeting.items), default=-1)
    item = AgendaItem(table_id=meeting.table_id, meeting=meeting, position=last + 1,
                      title=clean_title(title), item_type=clean_item_type(item_type),
                      planned_minutes=clean_minutes(planned_minutes),
                      description=(description or "").strip()[:5000])
    db.session.add(item)
    db.session.flush()
    audit.log(actor, "create", item, summary=f"agenda item {item.title!r} added to "
                                             f"{meeting.title!r}")
    return item


def update_item(actor, item: AgendaItem, *, title, item_type, planned_minutes) -> bool:
    _check_editable(item.meeting)
    before = {"title": item.title, "item_type": item.item_type,
              "planned_minutes": item.planned_minutes}
    after = {"title": clean_title(title), "item_type": clean_item_type(item_type),
             "planned_minutes": clean_minutes(planned_minutes)}
    if before == after:
        return False
    for key, value in after.items():
        setattr(item, key, value)
    db.session.flush()
    audit.log(actor, "update", item, summary=audit.describe_changes(before, after))
    return True


def remove_item(actor, item: AgendaItem) -> None:
    _check_editable(item.meeting)
    audit.log(actor, "remove", item, summary=f"agenda item {item.title!r} removed from "
                                             f"{item.meeting.title!r}")
    db.session.delete(item)
    db.session.flush()


def move_item(actor, item: AgendaItem, offset: int) -> bool:
    """Swap ``item`` with its neighbour above (``-1``) or below (``+1``)."""
    meeting = item.meeting
    _check_editable(meeting)
    items = AgendaContents.of(meeting).items
    index = items.index(item)
    other = index + offset
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, row in enumerate(items):
        if row.position != position:
            row.position = position
    db.session.flush()
    audit.log(actor, "move", item,
              summary=f"agenda item {item.title!r} moved {'up' if offset < 0 else 'down'}")
    return True


def _movable(item: AgendaItem) -> Meeting:
    meeting = item.meeting
    _check_editable(meeting)
    if item.is_section:
        raise ServiceError("Template sections stay on the agenda; remove the section instead.")
    return meeting


def move_to_next_meeting(actor, item: AgendaItem) -> Meeting:
    """Move ``item`` to the end of the table's next meeting after this one."""
    meeting = _movable(item)
    target = next_meeting(meeting)
    if target is None:
        raise ServiceError(f"{meeting.table.name} has no later meeting scheduled yet: schedule "
                           "the next meeting first, or park the item in the backlog.")
    item.meeting_id = target.id
    item.position = max((i.position for i in target.items), default=-1) + 1
    db.session.flush()
    db.session.expire(meeting, ["items"])
    db.session.expire(target, ["items"])
    audit.log(actor, "move", item, summary=f"agenda item {item.title!r} moved from "
                                           f"{meeting.title!r} to the meeting on "
                                           f"{to_local(target.starts_at):%Y-%m-%d}")
    return target


def park_in_backlog(actor, item: AgendaItem) -> None:
    """Take ``item`` off the agenda into the table's backlog; the next agenda built takes it."""
    meeting = _movable(item)
    item.meeting_id = None
    item.position = 0
    db.session.flush()
    db.session.expire(meeting, ["items"])
    audit.log(actor, "park", item, summary=f"agenda item {item.title!r} parked in the backlog "
                                           f"of {meeting.table.name!r}")


def backlog(table) -> list[AgendaItem]:
    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.table_id == table.id, AgendaItem.meeting_id.is_(None))
        .order_by(AgendaItem.created_at, AgendaItem.id)))

