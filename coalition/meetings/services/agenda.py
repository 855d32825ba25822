"""Agendas that fill themselves, and the coordinator's edits to them.

A new meeting's agenda starts from the table's template (one section row per template section)
and is then filled with what is due by the rules in ``DUE_ITEM_RULES``. Each rule is a query
function ``rule(meeting, contents) -> list[AgendaItem]`` that returns the items to add — new,
unsaved rows, or existing rows (a backlog item) to move onto the agenda — and skips whatever
``contents`` (what is already on the agenda) shows is there. Meetings own two rules (items carried
over, the backlog); every other domain registers its own with :func:`register_due_rule` from its
``init_app`` (action items due, open risk situations to update, cases selected for the meeting,
recommendations due for a status update). Every rule issues a fixed number of queries.
A rule registered with ``section="Title"`` has its items placed at the end of the agenda's section
of that title (when the agenda has one); the others go under the first section that receives due
items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select, update

from coalition.actions.models import OPEN_STATUSES, ActionItem
from coalition.core import audit
from coalition.core.errors import ServiceError
from coalition.core.localtime import to_local
from coalition.core.text import clean
from coalition.extensions import db
from coalition.meetings import action_source  # noqa: F401  (ActionItem.source_agenda_item_id)
from coalition.meetings.models import AgendaItem, AgendaTemplateSection, Meeting
from coalition.meetings.permissions import can_see_case_items
from coalition.meetings.services.placing import make_room
from coalition.meetings.services.scheduling import next_meeting, previous_meeting
from coalition.meetings.services.templates import (
    clean_item_type,
    clean_minutes,
    clean_title,
    ensure_template,
)
from coalition.meetings.subjects import relisted_columns, subject_of
from coalition.roster.seats import table_role

CLOSED_MESSAGE = "This meeting is closed: its agenda can no longer be changed."
RUNNING_MESSAGE = "While the meeting is in progress you can only add items to its agenda."
CASE_TABLE_MESSAGE = ("Case items belong to tables that review cases (risk review, fatality "
                      "review); this table has no confidentiality attestation to protect them.")


@dataclass
class AgendaContents:
    """What is on a meeting's agenda, loaded once, for the rules to skip what is there."""

    items: list[AgendaItem]
    subjects: dict[str, set[int]] = field(default_factory=dict)
    carried_from_ids: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, meeting: Meeting) -> AgendaContents:
        items = list(db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)))
        contents = cls(items=items)
        for item in items:
            contents.note(item)
        return contents

    def note(self, item: AgendaItem) -> None:
        """Remember what ``item`` is about (and what it continues)."""
        found = subject_of(item)
        if found is not None:
            self.subjects.setdefault(found[0].key, set()).add(found[1])
        if item.carried_from_id:
            self.carried_from_ids.add(item.carried_from_id)

    def has(self, subject: str, subject_id: int) -> bool:
        """Whether the agenda already has an item about ``subject`` ``subject_id``."""
        return subject_id in self.subjects.get(subject, ())


DueRule = Callable[[Meeting, AgendaContents], list[AgendaItem]]
DUE_ITEM_RULES: list[DueRule] = []
# rule → title of the agenda section its items go under (rules not listed: the due slot)
DUE_RULE_SECTIONS: dict[DueRule, str] = {}
_RULE_ORDER: dict[DueRule, int] = {}


def register_due_rule(rule: DueRule | None = None, *, section: str | None = None,
                      order: int = 50):
    """Add ``rule`` to the rules that fill agendas; idempotent. Usable as a decorator, bare or
    as ``@register_due_rule(section="New situations")`` to place the rule's items at the end of
    that section of the agenda (falling back to the due slot when the agenda has no such
    section). Rules run by ``order``, then by registration."""
    def add(fn: DueRule) -> DueRule:
        if fn not in DUE_ITEM_RULES:
            DUE_ITEM_RULES.append(fn)
        _RULE_ORDER[fn] = order
        DUE_ITEM_RULES.sort(key=lambda known: _RULE_ORDER.get(known, 50))
        if section:
            DUE_RULE_SECTIONS[fn] = section
        return fn
    return add if rule is None else add(rule)


@register_due_rule(order=20)
def carried_over_items(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Items of the table's previous meeting that were not discussed, or that have open action
    items decided on them, copied with ``carried_from_id`` (not sections, nor items about a
    subject whose own rule lists it again while it is open)."""
    previous = previous_meeting(meeting)
    if previous is None:
        return []
    open_action = exists().where(ActionItem.source_agenda_item_id == AgendaItem.id,
                                 ActionItem.status.in_(OPEN_STATUSES))
    stmt = select(AgendaItem).where(AgendaItem.meeting_id == previous.id,
                                    AgendaItem.is_section.is_(False),
                                    or_(AgendaItem.is_discussed.is_(False), open_action))
    for column in relisted_columns():
        stmt = stmt.where(getattr(AgendaItem, column).is_(None))
    items = db.session.scalars(stmt.order_by(AgendaItem.position, AgendaItem.id))
    carried = []
    for item in items:
        if item.id in contents.carried_from_ids:
            continue
        copy = AgendaItem(table_id=meeting.table_id, carried_from_id=item.id, title=item.title,
                          description=item.description, item_type=item.item_type,
                          planned_minutes=item.planned_minutes)
        found = subject_of(item)
        if found is not None:  # a subject that is carried keeps what it is about
            setattr(copy, found[0].column, found[1])
        carried.append(copy)
    return carried


@register_due_rule(order=30)
def backlog_items(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Items parked in the table's backlog (no meeting): moved onto this agenda."""
    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.table_id == meeting.table_id,
                                 AgendaItem.meeting_id.is_(None))
        .order_by(AgendaItem.created_at, AgendaItem.id)))


def named(item: AgendaItem) -> str:
    """How audit rows name an agenda item: its title, or for a case item only its id."""
    return f"case item {item.id}" if item.item_type == "case" else repr(item.title)


def _case_table(item: AgendaItem):
    """The table whose need-to-know covers the audit row of a change to ``item``."""
    return item.table if item.item_type == "case" else None


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
        for item in found:
            contents.note(item)
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
    (``None`` for people not seated at the table: they are not told; ``None`` too when none
    is hidden), and the planned total."""
    items = list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)))
    sees_cases = can_see_case_items(viewer, meeting)
    # Section headings come from the template and hold no case data: everyone sees them.
    shown = [i for i in items if sees_cases or i.is_section or i.item_type != "case"]
    hidden = len(items) - len(shown)
    # only a hidden item makes the viewer's seat matter (nothing to count or tell otherwise)
    seated = hidden > 0 and table_role(viewer, meeting.table) is not None
    counted = items if seated else shown
    total = sum(i.planned_minutes for i in counted)
    return {"items": shown, "hidden_case_items": hidden if seated else None,
            "sees_case_items": sees_cases, "planned_total": total,
            "is_over_time": total > meeting.duration_minutes}


# --- editing the agenda -------------------------------------------------------------------

def _item_type(meeting: Meeting, value) -> str:
    item_type = clean_item_type(value)
    if item_type == "case" and not meeting.table.reviews_cases:
        raise ServiceError(CASE_TABLE_MESSAGE, field="item_type")
    return item_type


def add_item(actor, meeting: Meeting, *, title, item_type="public", planned_minutes=5,
             description="", place: str | None = None) -> AgendaItem:
    """A new item at the end, or at ``place`` (``services.placing``: in a section, after an
    item)."""
    _check_editable(meeting, adding=True)
    position = make_room(meeting, place, sees_case_items=lambda: can_see_case_items(actor, meeting))
    item = AgendaItem(table_id=meeting.table_id, meeting=meeting, position=position,
                      title=clean_title(title), item_type=_item_type(meeting, item_type),
                      planned_minutes=clean_minutes(planned_minutes),
                      description=clean(description, field="description", max_length=5000,
                                        multiline=True))
    db.session.add(item)
    db.session.flush()
    audit.log(actor, "create", item, case_table=_case_table(item),
              summary=f"agenda item {named(item)} added to {meeting.title!r}")
    return item


def update_item(actor, item: AgendaItem, *, title, item_type, planned_minutes) -> bool:
    _check_editable(item.meeting)
    before = {"title": item.title, "item_type": item.item_type,
              "planned_minutes": item.planned_minutes}
    after = {"title": clean_title(title), "item_type": _item_type(item.meeting, item_type),
             "planned_minutes": clean_minutes(planned_minutes)}
    if before == after:
        return False
    was_case = item.item_type == "case"
    for key, value in after.items():
        setattr(item, key, value)
    if item.item_type == "case" and not was_case:
        # what was decided on it is case material now too
        db.session.execute(update(ActionItem).where(ActionItem.source_agenda_item_id == item.id)
                           .values(is_case=True))
    db.session.flush()
    if was_case or item.item_type == "case":  # what changed, never what it says
        summary = ", ".join(key.replace("_", " ") for key in after
                            if before[key] != after[key]) + " changed"
    else:
        summary = audit.describe_changes(before, after)
    audit.log(actor, "update", item, summary=f"agenda item {named(item)}: {summary}",
              case_table=item.table if was_case or item.item_type == "case" else None)
    return True


def remove_item(actor, item: AgendaItem) -> None:
    _check_editable(item.meeting)
    audit.log(actor, "remove", item, case_table=_case_table(item),
              summary=f"agenda item {named(item)} removed from {item.meeting.title!r}")
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
    audit.log(actor, "move", item, case_table=_case_table(item),
              summary=f"agenda item {named(item)} moved {'up' if offset < 0 else 'down'}")
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
    audit.log(actor, "move", item, case_table=_case_table(item),
              summary=f"agenda item {named(item)} moved from {meeting.title!r} to the meeting "
                      f"on {to_local(target.starts_at):%Y-%m-%d}")
    return target


def park_in_backlog(actor, item: AgendaItem) -> None:
    """Take ``item`` off the agenda into the table's backlog; the next agenda built takes it."""
    meeting = _movable(item)
    item.meeting_id = None
    item.position = 0
    db.session.flush()
    db.session.expire(meeting, ["items"])
    audit.log(actor, "park", item, case_table=_case_table(item),
              summary=f"agenda item {named(item)} parked in the backlog of "
                      f"{meeting.table.name!r}")


def backlog(table) -> list[AgendaItem]:
    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.table_id == table.id, AgendaItem.meeting_id.is_(None))
        .order_by(AgendaItem.created_at, AgendaItem.id)))

