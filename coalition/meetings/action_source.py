"""Meetings as a source of action items: an item decided on a meeting's agenda item.

Declares ``action_items.source_meeting_id`` (the source) and ``source_agenda_item_id`` (where in
the meeting it was decided), and registers the "meeting" source. An action item decided on a
case item is case material: only people seated at the table who signed that meeting's
confidentiality attestation (and its owner) see it in full.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import exists, false
from sqlalchemy.orm import joinedload, relationship, selectinload

from coalition.actions.models import ActionItem
from coalition.actions.sources import (
    ActionSource,
    SourceRef,
    declare_detail_column,
    declare_source_column,
    register_source,
)
from coalition.core.localtime import to_local
from coalition.core.permissions import person_id_of
from coalition.meetings.models import AgendaItem, Attestation, Meeting
from coalition.meetings.permissions import can_see_case_items

declare_source_column("source_meeting_id", "meetings.id", ondelete="CASCADE")
declare_detail_column("source_agenda_item_id", "agenda_items.id", ondelete="SET NULL")
if not hasattr(ActionItem, "source_meeting"):
    ActionItem.source_meeting = relationship(
        Meeting, foreign_keys=[ActionItem.__table__.c.source_meeting_id])
    ActionItem.source_agenda_item = relationship(
        AgendaItem, foreign_keys=[ActionItem.__table__.c.source_agenda_item_id])


def from_meeting(meeting: Meeting, item: AgendaItem | None = None) -> SourceRef:
    """The source of an action item decided at ``meeting`` (on its agenda item ``item``, if
    given: a case item makes the action item case material)."""
    columns = {"source_meeting_id": meeting.id}
    if item is not None:
        columns["source_agenda_item_id"] = item.id
    return SourceRef(key="meeting", columns=columns,
                     is_case=item is not None and item.item_type == "case",
                     note=f"from meeting {meeting.id}")


def from_agenda_item(item: AgendaItem) -> SourceRef:
    """The source of an action item decided on ``item`` during its meeting."""
    return from_meeting(item.meeting, item)


def _describe(viewer, action: ActionItem) -> dict:
    meeting = action.source_meeting
    title = f"{meeting.title} ({to_local(meeting.starts_at):%b %-d, %Y})"
    source = action.source_agenda_item
    if source is not None and (source.item_type != "case" or can_see_case_items(viewer, meeting)):
        title += f", agenda item “{source.title}”"
    elif source is not None:
        title += ", a case item"
    return {"label": "Meeting", "title": title,
            "url": url_for("meetings.meeting_detail", meeting_id=meeting.id)}


def _full_view(viewer, action: ActionItem) -> bool:
    return action.source_meeting is not None and can_see_case_items(viewer,
                                                                    action.source_meeting)


def _full_view_clause(viewer):
    person_id = person_id_of(viewer)
    if person_id is None:
        return false()
    return exists().where(Attestation.meeting_id == ActionItem.source_meeting_id,
                          Attestation.person_id == person_id)


MEETING_SOURCE = ActionSource(
    key="meeting", column="source_meeting_id", label="Meeting", describe=_describe,
    full_view=_full_view, full_view_clause=_full_view_clause,
    eager=(selectinload(ActionItem.source_meeting),
           selectinload(ActionItem.source_agenda_item)),
    joined=(joinedload(ActionItem.source_meeting), joinedload(ActionItem.source_agenda_item)))


def register() -> None:
    register_source(MEETING_SOURCE)
