"""Scheduling meetings: the typed local date and times, validation, the cadence proposal for
the next meeting, and the list queries the meeting screens share."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from coalition.core import audit
from coalition.core.concurrency import check_version
from coalition.core.db import utcnow, valid_id
from coalition.core.errors import ServiceError
from coalition.core.kept import kept
from coalition.core.localtime import combine_local, local_today, to_local
from coalition.core.text import clean
from coalition.extensions import db
from coalition.meetings.models import MAX_MEETING_MINUTES, Meeting
from coalition.meetings.services.templates import clean_title
from coalition.roster import seats
from coalition.roster.models import CoalitionTable, TableMembership
from coalition.roster.permissions import visible_tables_clause

LOCATION_MAX = 300
VIDEO_MAX = 500
END_BEFORE_START = "The end time must be after the start time."
TOO_LONG = "A meeting can last at most 12 hours: check the start and end times."
YEARS_BACK = 20  # meetings of the past are recorded for the history, not from the last century
YEARS_AHEAD = 5


def _seated(table: CoalitionTable, person_id, field: str, role: str) -> int | None:
    if person_id in (None, ""):
        return None
    if valid_id(person_id) is None:
        raise ServiceError(f"Choose the {role} from the list.", field=field)
    seats.require_seat(table, person_id, field=field,
                       message=f"The {role} must be someone seated at {table.name}.")
    return person_id


def meeting_times(day, start_time, end_time) -> tuple[datetime, datetime]:
    """The UTC start and end of a meeting typed as a local date, start time and end time."""
    if not isinstance(day, date):
        raise ServiceError("Enter the date of the meeting, like 2026-03-31.", field="day")
    today = local_today()
    if not today - timedelta(days=YEARS_BACK * 366) <= day <= today + timedelta(
            days=YEARS_AHEAD * 366):
        raise ServiceError(f"Enter a date within {YEARS_BACK} years before and {YEARS_AHEAD} "
                           "years after today: check the year.", field="day")
    if not isinstance(start_time, time):
        raise ServiceError("Enter the start time, like 14:30.", field="start_time")
    if not isinstance(end_time, time):
        raise ServiceError("Enter the end time, like 16:00.", field="end_time")
    if end_time <= start_time:
        raise ServiceError(END_BEFORE_START, field="end_time")
    try:
        starts_at = combine_local(day, start_time)
        ends_at = combine_local(day, end_time)
    except (OverflowError, ValueError) as error:
        raise ServiceError("Enter a real date, like 2026-03-31.", field="day") from error
    if ends_at <= starts_at:  # a clock change can fold the typed times
        raise ServiceError(END_BEFORE_START, field="end_time")
    if ends_at - starts_at > timedelta(minutes=MAX_MEETING_MINUTES):
        raise ServiceError(TOO_LONG, field="end_time")
    return starts_at, ends_at


def _values(table, *, title, day, start_time, end_time, location, video_url, facilitator_id,
            recorder_id) -> dict:
    starts_at, ends_at = meeting_times(day, start_time, end_time)
    video_url = clean(video_url, field="video_url", max_length=VIDEO_MAX)
    if video_url and not video_url.lower().startswith(("https://", "http://")):
        raise ServiceError("Enter a web address starting with https://.", field="video_url")
    return {
        "title": clean_title(title),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "location": clean(location, field="location", max_length=LOCATION_MAX),
        "video_url": video_url,
        "facilitator_id": _seated(table, facilitator_id, "facilitator_id", "facilitator"),
        "recorder_id": _seated(table, recorder_id, "recorder_id", "recorder"),
    }


def schedule_meeting(actor, table: CoalitionTable, *, title, day, start_time, end_time,
                     location="", video_url="", facilitator_id=None, recorder_id=None,
                     build=True) -> Meeting:
    """Create a draft meeting of ``table`` and (unless ``build`` is false) build its agenda."""
    from coalition.meetings.services.agenda import build_agenda

    meeting = Meeting(table=table, status="draft", **_values(
        table, title=title, day=day, start_time=start_time, end_time=end_time, location=location,
        video_url=video_url, facilitator_id=facilitator_id, recorder_id=recorder_id))
    if table.reviews_cases:
        meeting.agreement_version = current_app.config.get("CONFIDENTIALITY_AGREEMENT_VERSION", "")
    db.session.add(meeting)
    db.session.flush()
    audit.log(actor, "create", meeting,
              summary=f"meeting {meeting.title!r} of {table.name!r} on "
                      f"{to_local(meeting.starts_at):%Y-%m-%d %H:%M}")
    if build:
        build_agenda(actor, meeting)
    return meeting


def _facts(meeting: Meeting) -> dict:
    return {"title": meeting.title, "starts_at": to_local(meeting.starts_at).isoformat(),
            "ends_at": to_local(meeting.ends_at).isoformat(), "location": meeting.location,
            "video_url": meeting.video_url, "facilitator_id": meeting.facilitator_id,
            "recorder_id": meeting.recorder_id}


def update_meeting(actor, meeting: Meeting, *, version_id, title, day, start_time, end_time,
                   location="", video_url="", facilitator_id=None, recorder_id=None) -> bool:
    if meeting.status == "closed":
        raise ServiceError("This meeting is closed: reopen it before changing it.")
    check_version(meeting, version_id, "meeting")
    values = _values(meeting.table, title=title, day=day, start_time=start_time,
                     end_time=end_time, location=location, video_url=video_url,
                     facilitator_id=facilitator_id, recorder_id=recorder_id)
    before = _facts(meeting)
    for key, value in values.items():
        setattr(meeting, key, value)
    after = _facts(meeting)
    if before == after:
        return False
    db.session.flush()
    audit.log(actor, "update", meeting, summary=audit.describe_changes(before, after))
    return True


def latest_meeting(table: CoalitionTable) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.table_id == table.id)
                             .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1))


COPIED_FIELDS = ("location", "video_url", "facilitator_id", "recorder_id")


def propose_next_meeting(table: CoalitionTable, *, latest: Meeting | None = None,
                         copy: bool = True) -> dict:
    """Form values for the table's next meeting: same weekday and local time as its latest
    meeting (``latest``, looked up when not given), one cadence interval of *this* table later,
    and (unless ``copy`` is false) the same place, video link, facilitator and recorder. The
    screen names the meeting these were copied from, so nothing is carried over unseen."""
    proposal = {"title": f"{table.name} meeting"}
    latest = latest if latest is not None else latest_meeting(table)
    if latest is None:
        return proposal
    try:
        start = to_local(latest.starts_at) + timedelta(days=table.cadence_days)  # wall-clock
        end = to_local(latest.ends_at) + timedelta(days=table.cadence_days)
    except OverflowError:  # a latest meeting dated at the end of the calendar: no proposal
        return proposal
    proposal.update(day=start.date(), start_time=start.time().replace(tzinfo=None),
                    end_time=end.time().replace(tzinfo=None))
    if copy:
        proposal.update({name: getattr(latest, name) for name in COPIED_FIELDS})
    return proposal


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The table's latest meeting that started before ``meeting``."""
    return db.session.scalar(
        select(Meeting).where(Meeting.table_id == meeting.table_id, Meeting.id != meeting.id,
                              Meeting.starts_at < meeting.starts_at)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(1))


def next_meeting(meeting: Meeting) -> Meeting | None:
    """The table's first meeting that starts after ``meeting`` and is not closed."""
    return db.session.scalar(
        select(Meeting).where(Meeting.table_id == meeting.table_id, Meeting.id != meeting.id,
                              Meeting.starts_at > meeting.starts_at, Meeting.status != "closed")
        .order_by(Meeting.starts_at, Meeting.id).limit(1))


def meeting_query(viewer, *, table_id: int | None = None, when: str = "upcoming"):
    """Meetings of the tables ``viewer`` may see: upcoming (soonest first) or past (latest
    first)."""
    stmt = (select(Meeting).join(Meeting.table).where(visible_tables_clause(viewer))
            .options(contains_eager(Meeting.table)))  # the list shows the table's name
    if table_id is not None:
        stmt = stmt.where(Meeting.table_id == table_id)
    now = utcnow()
    if when == "past":
        return stmt.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(),
                                                          Meeting.id.desc())
    return stmt.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)


class TableChoice(NamedTuple):
    """A table as the meeting list names it (plain values: kept across requests)."""

    id: int
    name: str


def manageable_tables(viewer) -> tuple[TableChoice, ...]:
    """Active tables where ``viewer`` may schedule meetings (coordinators: every visible one),
    by name: kept per viewer until the data changes."""
    def build() -> tuple[TableChoice, ...]:
        stmt = select(CoalitionTable.id, CoalitionTable.name).where(
            CoalitionTable.is_active.is_(True), visible_tables_clause(viewer))
        if not viewer.is_coordinator:
            person_id = viewer.person_id or -1
            stmt = stmt.join(TableMembership,
                             TableMembership.table_id == CoalitionTable.id).where(
                TableMembership.person_id == person_id, TableMembership.role == "manager")
        return tuple(TableChoice(*row) for row in db.session.execute(
            stmt.order_by(CoalitionTable.name_key)))
    return kept("meetings.manageable_tables", viewer.id, build)


def table_choices(viewer) -> list[tuple[int, str]]:
    """``[(id, name)]`` of the tables the viewer may see, by name (the list's table filter):
    kept per viewer until the data changes."""
    return list(kept("meetings.table_choices", viewer.id, lambda: tuple(
        tuple(row) for row in db.session.execute(
            select(CoalitionTable.id, CoalitionTable.name).where(visible_tables_clause(viewer))
            .order_by(CoalitionTable.name_key)))))
