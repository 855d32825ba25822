"""Meetings of a table: agenda templates, meetings, agenda items (and the table's backlog),
minutes with their revisions, decisions, attendance, confidentiality attestations and the numbered
minutes versions produced when a meeting closes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.db import UTCDateTime, db, utcnow
from coalition.core.models import User
from coalition.roster.models import CoalitionTable, Organization, Person

MEETING_STATUSES = ("draft", "scheduled", "in_progress", "closed")
MEETING_STATUS_LABELS = {
    "draft": "Draft",
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "closed": "Closed",
}
ITEM_TYPES = ("public", "internal", "case")
ITEM_TYPE_LABELS = {
    "public": "Public",
    "internal": "Internal",
    "case": "Case (table members only)",
}
ATTENDANCE_STATUSES = ("present", "absent", "excused")
ATTESTATION_METHODS = ("in_app", "paper")
MAX_ITEM_MINUTES = 480  # a single agenda item longer than a working day is a typing error
MAX_MEETING_MINUTES = 12 * 60


class AgendaTemplateSection(db.Model):
    """One ordered section of a table's agenda template; new agendas start from these."""

    __tablename__ = "agenda_template_sections"
    __table_args__ = (
        CheckConstraint("planned_minutes BETWEEN 0 AND 480", name="planned_minutes"),
        CheckConstraint("item_type IN ('public', 'internal', 'case')", name="item_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("coalition_tables.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    planned_minutes: Mapped[int] = mapped_column(default=10)
    item_type: Mapped[str] = mapped_column(String(10), default="public")
    # Where the automatic filling puts what is due (open action items, carried-over items, ...).
    receives_due_items: Mapped[bool] = mapped_column(default=False)

    table: Mapped[CoalitionTable] = relationship()


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'scheduled', 'in_progress', 'closed')",
                        name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_meetings_table_id_starts_at", "table_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("coalition_tables.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    recorder_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    is_reopened: Mapped[bool] = mapped_column(default=False)
    # When it was first started (the run screen's clock counts from it); None before that.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The confidentiality agreement text version attendees attest to (tables with case data).
    agreement_version: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    table: Mapped[CoalitionTable] = relationship()
    facilitator: Mapped[Person | None] = relationship(foreign_keys=[facilitator_id])
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorder_id])
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position",
        foreign_keys="AgendaItem.meeting_id")
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    attestations: Mapped[list[Attestation]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", order_by="Decision.id", cascade="all, delete-orphan")
    minutes_versions: Mapped[list[MinutesVersion]] = relationship(
        back_populates="meeting", order_by="MinutesVersion.number",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def status_label(self) -> str:
        return MEETING_STATUS_LABELS[self.status]

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def minutes_editable(self) -> bool:
        """Minutes and decisions are edited only while the meeting runs (or after reopening)."""
        return self.status == "in_progress"

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title} {self.starts_at:%Y-%m-%d}>"


class AgendaItem(db.Model):
    """An item on a meeting's agenda, or in the table's backlog when ``meeting_id`` is empty.

    It may be about something another domain owns (its subject, at most one)."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint("planned_minutes BETWEEN 0 AND 480", name="planned_minutes"),
        CheckConstraint("item_type IN ('public', 'internal', 'case')", name="item_type"),
        Index("ix_agenda_items_meeting_id_position", "meeting_id", "position"),
        Index("ix_agenda_items_table_id_meeting_id", "table_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("coalition_tables.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    item_type: Mapped[str] = mapped_column(String(10), default="public")
    planned_minutes: Mapped[int] = mapped_column(default=5)
    is_section: Mapped[bool] = mapped_column(default=False)  # a heading from the template
    is_discussed: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[str] = mapped_column(Text, default="")
    # The item of an earlier meeting this one continues (carried over or moved).
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True)
    # What the item is about (an action item, a risk situation, ...): one foreign key per kind
    # of subject, declared by the domain that owns it (``meetings.subjects``).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    table: Mapped[CoalitionTable] = relationship()
    meeting: Mapped[Meeting | None] = relationship(back_populates="items",
                                                   foreign_keys=[meeting_id])
    carried_from: Mapped[AgendaItem | None] = relationship(remote_side=[id])
    revisions: Mapped[list[MinutesRevision]] = relationship(
        back_populates="agenda_item", order_by="MinutesRevision.id",
        cascade="all, delete-orphan")
    decisions: Mapped[list[Decision]] = relationship(back_populates="agenda_item")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def in_backlog(self) -> bool:
        return self.meeting_id is None

    @property
    def type_label(self) -> str:
        return ITEM_TYPE_LABELS[self.item_type]


class MinutesRevision(db.Model):
    """Each saved text of an item's minutes: who saved it and when. Rows are never deleted; an
    autosave updates its author's own latest row while it is recent (``save_minutes``)."""

    __tablename__ = "minutes_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="revisions")
    user: Mapped[User | None] = relationship()


class Decision(db.Model):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    agenda_item: Mapped[AgendaItem | None] = relationship(back_populates="decisions")
    created_by: Mapped[User | None] = relationship()


class Attendance(db.Model):
    """Who was at a meeting: a roster person (with the organization they came for) or a guest."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        CheckConstraint("status IN ('present', 'absent', 'excused')", name="status"),
        CheckConstraint("person_id IS NOT NULL OR guest_name <> ''", name="person_or_guest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                                  index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    guest_name: Mapped[str] = mapped_column(String(120), default="")
    guest_organization: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="present")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    person: Mapped[Person | None] = relationship()
    organization: Mapped[Organization | None] = relationship()

    @property
    def name(self) -> str:
        return self.person.name if self.person is not None else self.guest_name

    @property
    def organization_name(self) -> str:
        return self.organization.name if self.organization is not None else self.guest_organization


class Attestation(db.Model):
    """A person's signed confidentiality attestation for one meeting."""

    __tablename__ = "attestations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        CheckConstraint("method IN ('in_app', 'paper')", name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    method: Mapped[str] = mapped_column(String(10))
    agreement_version: Mapped[str] = mapped_column(String(40))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="attestations")
    person: Mapped[Person] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class MinutesVersion(db.Model):
    """The minutes as they stood when the meeting was closed: version 1, then one per reopening."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    number: Mapped[int] = mapped_column()
    content: Mapped[str] = mapped_column(Text)  # JSON: items, minutes, decisions, attendance
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="minutes_versions")
    closed_by: Mapped[User | None] = relationship()


class CalendarFeed(db.Model):
    """One user's secret address for a table's calendar feed. Only a hash of the token is kept;
    the address is shown once when it is made, can be replaced or revoked, and stops working when
    the user loses the account or the right to see the table."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (UniqueConstraint("user_id", "table_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("coalition_tables.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
    table: Mapped[CoalitionTable] = relationship()



class PacketCopy(db.Model):
    """One numbered copy of a meeting's confidential packet: who it was printed for, by whom and
    when. Copies are numbered per meeting from 1 (the number is printed on every page), so the
    coordinator knows which copies to collect at the end of the meeting."""

    __tablename__ = "packet_copies"
    __table_args__ = (
        UniqueConstraint("meeting_id", "copy_number"),
        CheckConstraint("copy_number >= 1", name="copy_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    copy_number: Mapped[int] = mapped_column()
    recipient_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(120))  # as printed on the copy
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    recipient: Mapped[Person | None] = relationship()
    printed_by: Mapped[User | None] = relationship()
