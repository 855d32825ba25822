"""Running a meeting: attendance, confidentiality attestations, minutes per agenda item (with
their revisions and edit conflicts), decisions, and action items created on the spot.

Every verb takes the acting user, checks the meeting's state, raises :class:`ServiceError` with
the form field it belongs to, writes its audit row and flushes. The caller commits. Who may call
a verb (``can_manage_meeting``, the user's own person) is checked by the views.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coalition.core import audit
from coalition.core.concurrency import EditConflict, submitted_version
from coalition.core.db import utcnow
from coalition.core.errors import ServiceError
from coalition.core.text import clean
from coalition.extensions import db
from coalition.meetings.action_source import from_agenda_item
from coalition.meetings.models import (
    ATTENDANCE_STATUSES,
    AgendaItem,
    Attendance,
    Attestation,
    Decision,
    Meeting,
    MinutesRevision,
)
from coalition.meetings.services.agenda import named
from coalition.roster import seats
from coalition.roster.models import TableMembership

ATTENDANCE_OPEN_STATUSES = ("scheduled", "in_progress")
MINUTES_MAX = 50_000
DECISION_MAX = 4_000
GUEST_NAME_MAX = 120
GUEST_ORGANIZATION_MAX = 200

AUTOSAVE_WINDOW = timedelta(minutes=10)  # an autosave updates the recorder's own revision within
NOT_RUNNING_MESSAGE = ("Minutes, decisions and action items can be changed only while the meeting "
                       "is in progress. Nothing was saved.")

# Called as ``hook(actor, item)`` after an item's minutes or "discussed" mark were saved (in the
# same transaction); later capabilities register theirs (a risk situation's discussion history).
MinutesHook = Callable[[object, AgendaItem], None]
MINUTES_SAVED_HOOKS: list[MinutesHook] = []


def register_minutes_hook(hook: MinutesHook) -> MinutesHook:
    """Add ``hook`` to what runs after minutes are saved (usable as a decorator); idempotent."""
    if hook not in MINUTES_SAVED_HOOKS:
        MINUTES_SAVED_HOOKS.append(hook)
    return hook


SEATED_MESSAGE = "Choose a person seated at this table."


def _case_table(item: AgendaItem):
    return item.table if item.item_type == "case" else None


# --- reading --------------------------------------------------------------------------------


def meeting_attendance(meeting: Meeting) -> list[Attendance]:
    return list(db.session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting.id)
        .options(selectinload(Attendance.person), selectinload(Attendance.organization))
        .order_by(Attendance.id)
    ))


def meeting_attestations(meeting: Meeting) -> list[Attestation]:
    return list(db.session.scalars(
        select(Attestation).where(Attestation.meeting_id == meeting.id)
        .options(selectinload(Attestation.person), selectinload(Attestation.recorded_by))
        .order_by(Attestation.signed_at, Attestation.id)
    ))


def log_case_items_shown(actor, meeting: Meeting, count: int) -> None:
    """Case material shown on a screen is a read of case data: one audit row per showing."""
    if count:
        audit.log_read(actor, "view", meeting, case_table=meeting.table,
                       summary=f"{count} case item{'' if count == 1 else 's'} shown while "
                               f"running {meeting.title!r}")


# --- attendance -----------------------------------------------------------------------------

def _check_attendance_open(meeting: Meeting) -> None:
    if meeting.status not in ATTENDANCE_OPEN_STATUSES:
        raise ServiceError(f"Attendance is recorded while a meeting is scheduled or in progress; "
                           f"this one is {meeting.status_label.lower()}. Nothing was saved.")


def _check_status(value, field_name: str) -> None:
    if value not in ATTENDANCE_STATUSES:
        raise ServiceError("Choose present, absent or excused.", field=field_name)


def record_attendance(actor, meeting: Meeting, *, people: dict[int, str | None],
                      guests: dict[int, str] | None = None) -> int:
    """Record the whole list at once: ``people`` maps a seated person's id to present, absent,
    excused or None (not recorded); ``guests`` maps a guest's attendance id to a status.

    Returns how many rows changed; writes one audit row for the list when anything did.
    """
    _check_attendance_open(meeting)
    rows = meeting_attendance(meeting)
    existing = {a.person_id: a for a in rows if a.person_id is not None}
    guest_rows = {a.id: a for a in rows if a.person_id is None}
    seated = {m.person_id: m for m in seats.seats_at(meeting.table_id)}
    changes: list[str] = []
    for person_id, status in people.items():
        seat = seated.get(person_id)
        if seat is None:
            raise ServiceError("Record attendance for people seated at this table.",
                               field="people")
        row = existing.get(person_id)
        if status in (None, ""):
            if row is not None:
                db.session.delete(row)
                changes.append(f"{seat.person.name}: not recorded")
            continue
        _check_status(status, "people")
        if row is None:
            db.session.add(Attendance(meeting=meeting, person_id=person_id,
                                      organization_id=seat.organization_id, status=status))
        elif row.status == status:
            continue
        else:
            row.status = status
        changes.append(f"{seat.person.name}: {status}")
    for attendance_id, status in (guests or {}).items():
        row = guest_rows.get(attendance_id)
        if row is None:
            raise ServiceError("That guest is not on this meeting's list.", field="guests")
        _check_status(status, "guests")
        if row.status != status:
            row.status = status
            changes.append(f"guest {row.guest_name}: {status}")
    if changes:
        db.session.flush()
        audit.log(actor, "attendance", meeting, summary="; ".join(changes))
    return len(changes)


def add_guest(actor, meeting: Meeting, *, name: str, organization: str = "",
              status: str = "present") -> Attendance:
    """A guest who is not on the roster (name and organization as typed)."""
    _check_attendance_open(meeting)
    name = clean(name, field="name", max_length=GUEST_NAME_MAX,
                 required="Enter the guest's name.")
    organization = clean(organization, field="organization", max_length=GUEST_ORGANIZATION_MAX)
    _check_status(status, "status")
    row = Attendance(meeting=meeting, guest_name=name, guest_organization=organization,
                     status=status)
    db.session.add(row)
    db.session.flush()
    audit.log(actor, "attendance", meeting,
              summary=f"guest {name!r}{f' ({organization})' if organization else ''}: {status}")
    return row


# --- confidentiality attestations -----------------------------------------------------------

def agreement_version() -> str:
    return current_app.config["CONFIDENTIALITY_AGREEMENT_VERSION"]


def _check_attestation_open(meeting: Meeting) -> None:
    if not meeting.table.reviews_cases:
        raise ServiceError(f"{meeting.table.name} does not review cases: its meetings need no "
                           "confidentiality attestation.")
    if meeting.status not in ATTENDANCE_OPEN_STATUSES:
        raise ServiceError("Attestations are signed while a meeting is scheduled or in progress; "
                           f"this one is {meeting.status_label.lower()}.")


def _existing_attestation(meeting: Meeting, person_id: int) -> Attestation | None:
    return db.session.scalar(select(Attestation).where(
        Attestation.meeting_id == meeting.id, Attestation.person_id == person_id))


def _attest(actor, meeting: Meeting, seat: TableMembership, method: str,
            field_name: str | None) -> Attestation:
    person = seat.person
    earlier = _existing_attestation(meeting, person.id)
    if earlier is not None:
        who = "You have" if method == "in_app" else f"{person.name} has"
        raise ServiceError(f"{who} already signed the confidentiality agreement for this "
                           "meeting; a signature is recorded once per person and meeting.",
                           field=field_name)
    row = Attestation(meeting=meeting, person=person, method=method,
                      agreement_version=agreement_version(), recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    how = "in the app" if method == "in_app" else "on paper"
    audit.log(actor, "attest", row, summary=(
        f"{person.name} signed the confidentiality agreement (version "
        f"{row.agreement_version}) {how} for {meeting.title!r}"))
    return row


def sign_attestation(actor, meeting: Meeting) -> Attestation:
    """The signed-in user confirms the agreement in the app, for their own person."""
    _check_attestation_open(meeting)
    if actor.person_id is None:
        raise ServiceError("Your account is not linked to a person on the roster; ask the "
                           "coordinator to record your signature on paper.")
    seat = seats.find_seat(meeting.table_id, actor.person_id)
    if seat is None:
        raise ServiceError(f"Only people seated at {meeting.table.name} sign its "
                           "confidentiality agreement.")
    return _attest(actor, meeting, seat, "in_app", None)


def record_paper_attestation(actor, meeting: Meeting, *, person_id) -> Attestation:
    """The recorder enters a paper signature for a person seated at the table."""
    _check_attestation_open(meeting)
    seat = seats.require_seat(meeting.table_id, person_id, field="person_id",
                              message=SEATED_MESSAGE)
    return _attest(actor, meeting, seat, "paper", "person_id")


# --- minutes, discussed, decisions, action items -------------------------------------------

def _check_editable(meeting: Meeting) -> None:
    if not meeting.minutes_editable:
        raise ServiceError(NOT_RUNNING_MESSAGE)


def _own_recent_revision(actor, item: AgendaItem) -> MinutesRevision | None:
    """The item's latest revision when ``actor`` saved it less than ``AUTOSAVE_WINDOW`` ago."""
    latest = item.revisions[-1] if item.revisions else None
    if (latest is None or actor is None or latest.user_id != actor.id
            or utcnow() - latest.created_at > AUTOSAVE_WINDOW):
        return None
    return latest


def save_minutes(actor, item: AgendaItem, *, text: str, version_id,
                 is_discussed: bool, autosave: bool = False) -> bool:
    """Save an item's minutes and its "discussed" mark from the version the form started from.

    A save on top of someone else's newer save is refused with :class:`EditConflict` (their
    text kept, nothing overwritten). A changed text appends a :class:`MinutesRevision`; an
    ``autosave`` (the run screen saving as the recorder types) updates the recorder's own latest
    revision instead when it is recent, so the history holds one revision per sitting, not one
    per pause in typing. Returns whether anything changed.
    """
    _check_editable(item.meeting)
    text = clean(text, field="minutes", max_length=MINUTES_MAX, multiline=True)
    text_changed = text != item.minutes
    discussed_changed = bool(is_discussed) != item.is_discussed
    if not (text_changed or discussed_changed):
        return False
    if submitted_version(version_id) != item.version_id and text_changed:
        raise EditConflict("item's minutes")
    changes = []
    if text_changed:
        item.minutes = text
        own = _own_recent_revision(actor, item) if autosave else None
        if own is not None:
            own.text, own.created_at = text, utcnow()
        else:
            item.revisions.append(MinutesRevision(text=text, user_id=actor.id))
        changes.append(f"minutes saved ({len(text)} characters)")
    if discussed_changed:
        item.is_discussed = bool(is_discussed)
        changes.append("marked discussed" if item.is_discussed else "marked not discussed")
    db.session.flush()  # a save that slipped in since the check is refused by the database
    audit.log(actor, "minutes", item, summary=f"{named(item)}: " + "; ".join(changes),
              case_table=_case_table(item))
    for hook in MINUTES_SAVED_HOOKS:
        hook(actor, item)
    return True


def add_decision(actor, item: AgendaItem, *, text: str) -> Decision:
    _check_editable(item.meeting)
    text = clean(text, field="text", max_length=DECISION_MAX, required="Enter the decision.",
                 multiline=True)
    decision = Decision(meeting_id=item.meeting_id, agenda_item=item, text=text,
                        created_by_id=actor.id)
    db.session.add(decision)
    db.session.flush()
    audit.log(actor, "create", decision, case_table=_case_table(item),
              summary=f"decision recorded on agenda item {named(item)}")
    return decision


def add_action_item(actor, item: AgendaItem, *, title: str, owner_id, due_on,
                    organization_id=None, priority: str = "normal", description: str = ""):
    """An action item decided on an agenda item, while the meeting runs. The action items
    service checks the owner (seated at the table) and the due date, and defaults the
    organization to the one the owner sits for.
    """
    from coalition.actions.services import create_action_item
    from coalition.meetings.permissions import can_add_action_item

    meeting = item.meeting
    if actor is not None and not can_add_action_item(actor, item):
        raise ServiceError("Only people seated at this table (who signed the confidentiality "
                           "agreement, for a case item) add action items here.")
    _check_editable(meeting)
    return create_action_item(actor, table=meeting.table, source=from_agenda_item(item),
                              title=title, description=description, owner_id=owner_id,
                              organization_id=organization_id, due_on=due_on,
                              priority=priority)


def log_case_print(actor, meeting: Meeting, document: str, options: list[str]) -> None:
    """A print that carries case items is a read of case data: one audit row per print."""
    count = sum(1 for item in meeting.items if item.item_type == "case")
    audit.log(actor, "print", meeting, case_table=meeting.table,
              summary=f"Printed the {document} of {meeting.title} with case items ({count} case "
                      f"items" + (f"; {', '.join(options)})" if options else ")"))
