"""Action items, their append-only update log, and the record of reminder digests sent."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.db import UTCDateTime, db, utcnow
from coalition.core.models import User
from coalition.roster.models import CoalitionTable, Organization, Person

ACTION_STATUSES = ("open", "in_progress", "blocked", "done", "cancelled")
ACTION_STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In progress",
    "blocked": "Blocked",
    "done": "Done",
    "cancelled": "Cancelled",
}
OPEN_STATUSES = ("open", "in_progress", "blocked")
PRIORITIES = ("low", "normal", "high")
PRIORITY_LABELS = {"low": "Low", "normal": "Normal", "high": "High"}


class ActionNaming:
    """How an action item is named and its status shown: of an item, and of a row read for a
    page (both have ``id`` and ``status``)."""

    @property
    def code(self) -> str:
        """The item's name where its title may not be shown (a case action item)."""
        return f"AI-{self.id:05d}"

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS[self.status]


class ActionItem(ActionNaming, db.Model):
    """Something the coalition must do, with an owner, a due date and where it came from.

    Its source is one foreign key per kind of source, declared by the domain that owns the source
    (``actions.sources``), with a CHECK that exactly one is set. ``is_case`` marks an item born
    of case material: it inherits the case's need-to-know and is elsewhere named by code only.
    """

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'blocked', 'done', 'cancelled')",
                        name="status"),
        CheckConstraint("priority IN ('low', 'normal', 'high')", name="priority"),
        Index("ix_action_items_owner_id_status_due_on", "owner_id", "status", "due_on"),
        Index("ix_action_items_table_id_status_due_on", "table_id", "status", "due_on"),
        # the coalition list: (open or closed) items by due date, read along this index
        Index("ix_action_items_due_on_id", "due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    # The table the item belongs to (from its source): who may see and manage it.
    table_id: Mapped[int] = mapped_column(ForeignKey("coalition_tables.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(20), default="open")
    is_case: Mapped[bool] = mapped_column(default=False)
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The person who gave the current owner the item (created it for them, or handed it over):
    # their "Items I assigned", and told when it is done or blocked.
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    owner: Mapped[Person] = relationship(foreign_keys=[owner_id])
    assigned_by: Mapped[Person | None] = relationship(foreign_keys=[assigned_by_id])
    organization: Mapped[Organization | None] = relationship()
    table: Mapped[CoalitionTable] = relationship(foreign_keys=[table_id])
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action_item", order_by="ActionUpdate.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS[self.priority]

    def due_state(self, today: date, soon_days: int) -> str:
        """``overdue``, ``due_soon`` (within ``soon_days``), ``later`` or ``closed``."""
        if not self.is_open:
            return "closed"
        if self.due_on < today:
            return "overdue"
        if (self.due_on - today).days <= soon_days:
            return "due_soon"
        return "later"


class ActionUpdate(db.Model):
    """One entry of an action item's log: a note, a status change or a reassignment."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    old_status: Mapped[str] = mapped_column(String(20), default="")
    new_status: Mapped[str] = mapped_column(String(20), default="")
    old_owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    new_owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action_item: Mapped[ActionItem] = relationship(back_populates="updates")
    user: Mapped[User | None] = relationship()
    old_owner: Mapped[Person | None] = relationship(foreign_keys=[old_owner_id])
    new_owner: Mapped[Person | None] = relationship(foreign_keys=[new_owner_id])


class ReminderDigest(db.Model):
    """A reminder digest sent (or written to the outbox) to one person on one day."""

    __tablename__ = "reminder_digests"
    __table_args__ = (UniqueConstraint("person_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    sent_on: Mapped[date] = mapped_column(Date)
    item_count: Mapped[int] = mapped_column(default=0)
    item_ids: Mapped[str] = mapped_column(Text, default="")  # comma-separated, for the record
    delivery: Mapped[str] = mapped_column(String(20), default="outbox")  # smtp or outbox
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship()
