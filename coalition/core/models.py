"""Cross-cutting tables: accounts and their sessions, login failures, the audit log and the
vocabularies."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.db import UTCDateTime, db, utcnow

SITE_ROLES = ("coordinator", "leader", "member")
SITE_ROLE_LABELS = {"coordinator": "Coordinator", "leader": "Leader", "member": "Member"}


class User(UserMixin, db.Model):
    """A login account. It may stand for a person of the roster (``person_id``)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("site_role IN ('coordinator', 'leader', 'member')", name="site_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    site_role: Mapped[str] = mapped_column(String(20), default="member")
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), unique=True
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person | None] = relationship(back_populates="user")  # noqa: F821

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.is_active_account)

    @property
    def is_coordinator(self) -> bool:
        return self.site_role == "coordinator"

    @property
    def is_leader(self) -> bool:
        return self.site_role == "leader"

    @property
    def role_label(self) -> str:
        return SITE_ROLE_LABELS.get(self.site_role, self.site_role)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """A server-side record of one signed-in browser session, so that signing out and deactivation
    end it."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str | None] = mapped_column(String(40))
    client_address: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """A failed sign-in, counted to throttle guessing (``core.throttle``): against a keyed hash of
    the e-mail typed (never the text itself), the client address, and — for a browser the
    account signed in from before — that browser's device id. Kept a day."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_key_at", "account_key", "occurred_at"),
        Index("ix_login_failures_address_at", "client_address", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    device: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class AuditEvent(db.Model):
    """One append-only audit row. Nothing in the application updates or deletes these."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_action", "action"),
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(Text, default="")
    client_address: Mapped[str | None] = mapped_column(String(64))
    # The table whose case material the row is about (its need-to-know covers the row); no
    # foreign key: rows outlive what they name.
    case_table_id: Mapped[int | None] = mapped_column(index=True)

    user: Mapped[User | None] = relationship()


# The database itself refuses UPDATE and DELETE on audit rows (the migration creates the same).
AUDIT_TRIGGERS_SQLITE = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)
AUDIT_TRIGGERS_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
)
for _statement in AUDIT_TRIGGERS_SQLITE:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in AUDIT_TRIGGERS_POSTGRESQL:
    event.listen(
        AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )


class VocabTerm(db.Model):
    """A term of a controlled vocabulary (sectors, continuum stages, touchpoint types, ...)."""

    __tablename__ = "vocab_terms"
    __table_args__ = (UniqueConstraint("vocabulary", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    is_standard: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<VocabTerm {self.vocabulary}:{self.code}>"


class DataGeneration(db.Model):
    """One row counting the committed transactions that changed data (see core.generation):
    what is computed from the data and kept between requests (the dashboard's cards) is valid
    while this number stays the same."""

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


event.listen(DataGeneration.__table__, "after_create",
             DDL("INSERT INTO data_generation (id, value) VALUES (1, 0)"))
