"""Risk situations in the meeting workflow: the "situation" agenda subject, the agenda rules that
list situations, and the discussion history written when their agenda item is marked discussed.

Declares ``agenda_items.situation_id``; :func:`register_risk_agenda` (called from
:func:`coalition.risk.init_app`) registers the subject, the rules — open (accepted) situations
under "Updates on open situations", new ones under "New situations" — and the minutes hook. An
agenda line names the situation by its code only, never the identity or the summary. Each
situation is listed once per agenda; the carried-over rule leaves situation items to these rules
(the subject is not carried over), so a situation is never listed twice.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from coalition.core import audit
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.services.agenda import AgendaContents, register_due_rule
from coalition.meetings.services.running import register_minutes_hook
from coalition.meetings.subjects import AgendaSubject, declare_subject_column, register_subject
from coalition.risk.models import RiskSituation, SituationDiscussion

UPDATES_SECTION = "Updates on open situations"
NEW_SECTION = "New situations"
UPDATE_MINUTES = 5
NEW_SITUATION_MINUTES = 10
NOTE_MAX = 50_000

declare_subject_column("situation_id", "risk_situations.id")

SITUATION_SUBJECT = AgendaSubject(key="situation", column="situation_id",
                                  label="Risk situation", partial="risk/_agenda_subject.html",
                                  timed=True)


def _situation_items(meeting: Meeting, contents: AgendaContents, status: str, suffix: str,
                     minutes: int) -> list[AgendaItem]:
    situations = db.session.scalars(
        select(RiskSituation).where(RiskSituation.table_id == meeting.table_id,
                                    RiskSituation.status == status)
        .order_by(RiskSituation.presented_on, RiskSituation.id))
    return [AgendaItem(table_id=meeting.table_id, situation_id=situation.id,
                       title=f"{situation.code} — {suffix}", item_type="case",
                       planned_minutes=minutes)
            for situation in situations if not contents.has("situation", situation.id)]


def open_situation_updates(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Accepted situations of the meeting's table (not concluded) that the agenda does not list
    yet: one "<code> — update" case item each."""
    return _situation_items(meeting, contents, "accepted", "update", UPDATE_MINUTES)


def new_situations(meeting: Meeting, contents: AgendaContents) -> list[AgendaItem]:
    """Situations of the meeting's table waiting for the table's decision: one
    "<code> — new situation" case item each."""
    return _situation_items(meeting, contents, "new", "new situation", NEW_SITUATION_MINUTES)


# --- the discussion history -----------------------------------------------------------------

def _count_discussions(situation: RiskSituation) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(SituationDiscussion.meeting_id))).where(
            SituationDiscussion.situation_id == situation.id,
            SituationDiscussion.meeting_id.is_not(None))) or 0


def _discussion_at(situation: RiskSituation, meeting: Meeting) -> SituationDiscussion | None:
    return db.session.scalar(
        select(SituationDiscussion).where(SituationDiscussion.situation_id == situation.id,
                                          SituationDiscussion.meeting_id == meeting.id)
        .order_by(SituationDiscussion.id).limit(1))


def record_discussion(actor, situation: RiskSituation, meeting: Meeting, *,
                      note: str = "") -> SituationDiscussion:
    """Record that ``situation`` was discussed at ``meeting``: one row per meeting (a later
    save at the same meeting updates its note), and ``times_discussed`` = meetings discussed."""
    note = (note or "").replace("\r\n", "\n")[:NOTE_MAX]
    row = _discussion_at(situation, meeting)
    if row is None:
        row = SituationDiscussion(situation_id=situation.id, meeting_id=meeting.id, note=note,
                                  user_id=actor.id if actor is not None else None)
        db.session.add(row)
        summary = f"{situation.code} discussed at {meeting.title!r}"
    elif row.note != note or (actor is not None and row.user_id != actor.id):
        row.note = note
        row.user_id = actor.id if actor is not None else row.user_id
        summary = f"{situation.code}: discussion note at {meeting.title!r} updated"
    else:
        return row
    db.session.flush()
    times = _count_discussions(situation)
    if situation.times_discussed != times:
        situation.times_discussed = times
        db.session.flush()
    audit.log(actor, "discuss", situation, summary=summary, case_table=situation.table)
    return row


def withdraw_discussion(actor, situation: RiskSituation, meeting: Meeting) -> bool:
    """The item was marked not discussed after all: the meeting's discussion row goes."""
    row = _discussion_at(situation, meeting)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    situation.times_discussed = _count_discussions(situation)
    db.session.flush()
    audit.log(actor, "discuss", situation, case_table=situation.table,
              summary=f"{situation.code}: marked not discussed at {meeting.title!r}")
    return True


def discussion_from_minutes(actor, item: AgendaItem) -> None:
    """Minutes hook: a situation's agenda item saved with "Discussed" ticked records (or
    updates) the discussion at that meeting; unticking it withdraws the record."""
    if item.situation_id is None or item.meeting_id is None:
        return
    situation = db.session.get(RiskSituation, item.situation_id)
    meeting = db.session.get(Meeting, item.meeting_id)
    if situation is None or meeting is None:
        return
    if item.is_discussed:
        record_discussion(actor, situation, meeting, note=item.minutes)
    else:
        withdraw_discussion(actor, situation, meeting)


def situation_discussions(situation: RiskSituation) -> list[tuple[SituationDiscussion,
                                                                  Meeting | None]]:
    """The situation's history at the table, oldest first: each discussion with its meeting
    and who recorded it (one query)."""
    history = [(discussion, meeting) for discussion, meeting in db.session.execute(
        select(SituationDiscussion, Meeting)
        .outerjoin(Meeting, Meeting.id == SituationDiscussion.meeting_id)
        .where(SituationDiscussion.situation_id == situation.id)
        .options(joinedload(SituationDiscussion.user))
        .order_by(SituationDiscussion.created_at, SituationDiscussion.id))]
    history.sort(key=lambda pair: (pair[1].starts_at if pair[1] is not None else pair[0].created_at,
                                   pair[0].id))
    return history


def register_risk_agenda() -> None:
    """Register the subject, the situation rules and the discussion hook on minutes saves;
    idempotent (called at app start)."""
    register_subject(SITUATION_SUBJECT)
    register_due_rule(open_situation_updates, section=UPDATES_SECTION, order=40)
    register_due_rule(new_situations, section=NEW_SECTION, order=41)
    register_minutes_hook(discussion_from_minutes)
