"""Contexts for the agenda and minutes PDFs: plain dicts of primitive values.

The caller has already checked that the user may see the meeting (and, for case items, that
``can_see_case_items`` holds); these functions only keep the item types asked for, so that a
decision or action item of a left-out item is left out with it.
"""

from __future__ import annotations

from sqlalchemy import select

from coalition.actions.models import ACTION_STATUS_LABELS, ActionItem
from coalition.core.db import db
from coalition.core.localtime import local_zone, to_local
from coalition.meetings.models import Meeting

PUBLIC_TYPES = frozenset({"public"})
CONFIDENTIAL_MARK = "CONFIDENTIAL — case information, do not redistribute"
ATTENDANCE_LABELS = {"present": "Present", "absent": "Absent", "excused": "Excused"}


def _header(meeting: Meeting, *, confidential: bool, document: str) -> dict:
    starts, ends = to_local(meeting.starts_at), to_local(meeting.ends_at)
    return {
        "document": document,
        "doc_title": f"{document}: {meeting.title}",
        "meeting_id": meeting.id,
        "title": meeting.title,
        "table_name": meeting.table.name,
        "date": starts.strftime("%A, %B %-d, %Y"),
        "time": f"{starts:%-I:%M %p} – {ends:%-I:%M %p}",
        "timezone": f"{starts:%Z}" or str(local_zone()),
        "location": meeting.location or "",
        "video_url": meeting.video_url or "",
        "facilitator": meeting.facilitator.name if meeting.facilitator else "",
        "recorder": meeting.recorder.name if meeting.recorder else "",
        "status": meeting.status_label,
        "confidential": confidential,
        "confidential_mark": CONFIDENTIAL_MARK if confidential else "",
    }


def _items(meeting: Meeting, types: frozenset[str]) -> list:
    """The items of the types asked for, with every section heading (headings come from the
    template and hold no case data)."""
    return [item for item in meeting.items if item.is_section or item.item_type in types]


def _item_dict(item, number: int | None) -> dict:
    return {
        "id": item.id,
        "number": number,
        "title": item.title,
        "description": item.description or "",
        "is_section": bool(item.is_section),
        "item_type": item.item_type,
        "type_label": item.type_label,
        "planned_minutes": int(item.planned_minutes or 0),
        "is_discussed": bool(item.is_discussed),
        "minutes": item.minutes or "",
    }


def _numbered(items) -> list[dict]:
    rows, number = [], 0
    for item in items:
        if item.is_section:
            rows.append(_item_dict(item, None))
        else:
            number += 1
            rows.append(_item_dict(item, number))
    return rows


def item_types(*, internal: bool, case: bool) -> frozenset[str]:
    types = {"public"}
    if internal:
        types.add("internal")
    if case:
        types.add("case")
    return frozenset(types)


def agenda_context(meeting: Meeting, *, confidential: bool, case: bool = False) -> dict:
    """The public agenda (public items only) or the confidential one (internal items too, and
    case items when ``case`` — the caller checked ``can_see_case_items``)."""
    types = item_types(internal=confidential, case=confidential and case)
    items = _numbered(_items(meeting, types))
    withheld = sum(1 for item in meeting.items
                   if not item.is_section and item.item_type not in types)
    context = _header(meeting, confidential=confidential,
                      document="Confidential agenda" if confidential else "Agenda")
    context.update(
        items=items,
        # the same sum as the agenda screen: every row listed, headings included
        total_minutes=sum(i["planned_minutes"] for i in items),
        meeting_minutes=meeting.duration_minutes,
        withheld_items=withheld,
    )
    return context


def latest_minutes_version(meeting: Meeting) -> int | None:
    if meeting.status != "closed" or not meeting.minutes_versions:
        return None
    return max(version.number for version in meeting.minutes_versions)


def minutes_context(meeting: Meeting, *, attendance: bool, decisions: bool, actions: bool,
                    internal: bool, case: bool) -> dict:
    """Minutes from the live data, with the optional sections asked for."""
    types = item_types(internal=internal, case=case)
    shown = _items(meeting, types)
    shown_ids = {item.id for item in shown}
    hidden_ids = {item.id for item in meeting.items} - shown_ids
    context = _header(meeting, confidential=case,
                      document="Confidential minutes" if case else "Minutes")
    context.update(items=_numbered(shown), version=latest_minutes_version(meeting),
                   attendance=None, decisions=None, actions=None)
    titles = {item.id: item.title for item in shown}
    if decisions:
        context["decisions"] = [
            {"text": d.text, "item_title": titles.get(d.agenda_item_id, "")}
            for d in meeting.decisions if d.agenda_item_id not in hidden_ids
        ]
    if attendance:
        rows = sorted(meeting.attendance, key=lambda a: (a.person_id is None, a.name.casefold()))
        context["attendance"] = [
            {"name": a.name, "organization": a.organization_name or "",
             "status": ATTENDANCE_LABELS.get(a.status, a.status), "guest": a.person_id is None}
            for a in rows
        ]
    if actions:
        items = db.session.scalars(
            select(ActionItem).where(ActionItem.source_meeting_id == meeting.id)
            .order_by(ActionItem.due_on, ActionItem.id)).all()
        context["actions"] = [
            {"title": a.title, "owner": a.owner.name if a.owner else "",
             "due_on": a.due_on.strftime("%b %-d, %Y") if a.due_on else "",
             "status": ACTION_STATUS_LABELS.get(a.status, a.status)}
            for a in items if a.source_agenda_item_id not in hidden_ids
        ]
    return context
