"""iCalendar (RFC 5545) export of meetings: one VEVENT per meeting.

Only what a calendar needs is exported: the meeting's title, table, times (UTC), place and video
link. Agenda items, minutes and anything from case reviews never go into a calendar file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODID = "-//Coalition//Meetings//EN"
UID_DOMAIN = "coalition"
CONTENT_TYPE = "text/calendar; charset=utf-8"
STATUS_MAP = {
    "draft": "TENTATIVE",
    "scheduled": "CONFIRMED",
    "in_progress": "CONFIRMED",
    "closed": "CONFIRMED",
}


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def meeting_uid(meeting) -> str:
    """Stable across requests and edits, so calendar clients update the event in place."""
    return f"meeting-{meeting.id}@{UID_DOMAIN}"


def meeting_event(meeting, url: str | None = None) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", _utc(meeting.updated_at or meeting.created_at))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("summary", f"{meeting.title} ({meeting.table.name})")
    location = meeting.location or meeting.video_url
    if location:
        event.add("location", location)
    link = meeting.video_url or url
    if link:
        event.add("url", link)
    lines = [f"Table: {meeting.table.name}"]
    if meeting.video_url:
        lines.append(f"Video link: {meeting.video_url}")
    if url:
        lines.append(f"Details: {url}")
    event.add("description", "\n".join(lines))
    event.add("sequence", max(int(meeting.version_id or 1) - 1, 0))
    event.add("status", STATUS_MAP.get(meeting.status, "CONFIRMED"))
    return event


def build_calendar(meetings: Iterable, *, name: str | None = None,
                   url_for_meeting: Callable[[object], str | None] | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per meeting, as UTF-8 bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for meeting in meetings:
        url = url_for_meeting(meeting) if url_for_meeting is not None else None
        calendar.add_component(meeting_event(meeting, url))
    return calendar.to_ical()
