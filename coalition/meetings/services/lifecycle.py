"""The meeting state machine: draft → scheduled → in progress → closed, and reopening.

Each transition is a verb that checks the current state, writes an audit row and flushes.
Closing needs attendance and snapshots the minutes into a new numbered ``MinutesVersion``.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coalition.core import audit
from coalition.core.db import utcnow
from coalition.core.errors import ServiceError
from coalition.extensions import db
from coalition.meetings.models import (
    MEETING_STATUS_LABELS,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MinutesVersion,
)
from coalition.meetings.subjects import subject_ids

# action → (states it starts from, state it leads to, button label)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "schedule": (("draft",), "scheduled", "Mark as scheduled"),
    "start": (("scheduled",), "in_progress", "Start the meeting"),
    "close": (("in_progress",), "closed", "Close the meeting"),
    "reopen": (("closed",), "in_progress", "Reopen the meeting"),
}
NO_ATTENDANCE_MESSAGE = "Record attendance before closing the meeting."


def available_transitions(meeting: Meeting, *, coordinator: bool) -> list[tuple[str, str]]:
    """``(action, label)`` of the transitions open from the meeting's state."""
    return [(action, label) for action, (sources, _, label) in TRANSITIONS.items()
            if meeting.status in sources and (action != "reopen" or coordinator)]


def _transition(actor, meeting: Meeting, action: str) -> None:
    sources, target, _ = TRANSITIONS[action]
    if meeting.status not in sources:
        raise ServiceError(f"A meeting that is {MEETING_STATUS_LABELS[meeting.status].lower()} "
                           f"cannot be {'set to ' + MEETING_STATUS_LABELS[target].lower()}.")
    before = meeting.status
    meeting.status = target
    db.session.flush()
    audit.log(actor, action, meeting, summary=f"status: {MEETING_STATUS_LABELS[before]} → "
                                              f"{MEETING_STATUS_LABELS[target]}")


def mark_scheduled(actor, meeting: Meeting) -> None:
    _transition(actor, meeting, "schedule")


def start_meeting(actor, meeting: Meeting) -> None:
    """Start a scheduled meeting; the run screen's clock counts from this moment."""
    if meeting.status in TRANSITIONS["start"][0]:
        meeting.started_at = utcnow()
    _transition(actor, meeting, "start")


def minutes_snapshot(meeting: Meeting) -> dict:
    """The minutes as they stand: items with their minutes, decisions and attendance."""
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position, AgendaItem.id))
    decisions = db.session.scalars(select(Decision).where(Decision.meeting_id == meeting.id)
                                   .order_by(Decision.id))
    attendance = db.session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id)
        .options(selectinload(Attendance.person), selectinload(Attendance.organization))
        .order_by(Attendance.id))
    return {
        "meeting": {"id": meeting.id, "title": meeting.title, "table": meeting.table.name,
                    "starts_at": meeting.starts_at.isoformat(),
                    "ends_at": meeting.ends_at.isoformat()},
        "items": [{"id": i.id, "title": i.title, "item_type": i.item_type,
                   "is_section": i.is_section, "is_discussed": i.is_discussed,
                   "planned_minutes": i.planned_minutes, "minutes": i.minutes,
                   "subject": subject_ids(i)} for i in items],
        "decisions": [{"id": d.id, "text": d.text, "agenda_item_id": d.agenda_item_id}
                      for d in decisions],
        "attendance": [{"name": a.name, "organization": a.organization_name,
                        "status": a.status} for a in attendance],
    }


def close_meeting(actor, meeting: Meeting) -> MinutesVersion:
    """Close a running meeting: attendance must be recorded; the minutes are kept as the next
    numbered version (1, 2, ... one per closing)."""
    if meeting.status != "in_progress":
        _transition(actor, meeting, "close")  # raises the refusal message
    present = db.session.scalar(select(func.count(Attendance.id))
                                .where(Attendance.meeting_id == meeting.id))
    if not present:
        raise ServiceError(NO_ATTENDANCE_MESSAGE)
    number = (db.session.scalar(select(func.max(MinutesVersion.number))
                                .where(MinutesVersion.meeting_id == meeting.id)) or 0) + 1
    version = MinutesVersion(meeting_id=meeting.id, number=number, closed_at=utcnow(),
                             closed_by_id=getattr(actor, "id", None),
                             content=json.dumps(minutes_snapshot(meeting), sort_keys=True))
    db.session.add(version)
    _transition(actor, meeting, "close")
    audit.log(actor, "create", version, summary=f"minutes version {number} of "
                                                f"{meeting.title!r}")
    return version


def reopen_meeting(actor, meeting: Meeting) -> None:
    """Coordinators only: a closed meeting runs again; closing it again makes a new version."""
    if not getattr(actor, "is_coordinator", False):
        raise ServiceError("Only a coordinator can reopen a closed meeting.")
    _transition(actor, meeting, "reopen")
    meeting.is_reopened = True
    db.session.flush()
