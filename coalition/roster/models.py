"""The coalition roster: member organizations, their agreements, people and tables."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.db import UTCDateTime, db, utcnow
from coalition.core.models import VocabTerm

TABLE_KINDS = ("coalition", "risk_review", "ofr")
TABLE_KIND_LABELS = {
    "coalition": "Coalition",
    "risk_review": "Risk review table",
    "ofr": "Overdose fatality review team",
}
CASE_REVIEW_KINDS = frozenset({"risk_review", "ofr"})
TABLE_ROLES = ("member", "manager")


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)  # case-folded name
    sector_id: Mapped[int] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    sector: Mapped[VocabTerm] = relationship()
    agreements: Mapped[list[Agreement]] = relationship(
        back_populates="organization",
        order_by="Agreement.expires_on.desc()",
        cascade="all, delete-orphan",
    )
    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def current_agreement(self) -> Agreement | None:
        return self.agreements[0] if self.agreements else None

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name}>"


class Agreement(db.Model):
    """A data-sharing agreement (or memorandum of understanding) signed by an organization."""

    __tablename__ = "agreements"
    __table_args__ = (CheckConstraint("expires_on >= signed_on", name="expires_after_signed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    signed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    reference: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="agreements")

    def status(self, today: date, warning_days: int) -> str:
        """``expired``, ``expiring`` (within ``warning_days``) or ``current``."""
        return agreement_status(self.expires_on, today, warning_days)


def agreement_status(expires_on: date, today: date, warning_days: int) -> str:
    """An agreement expiring on ``expires_on``: ``expired``, ``expiring`` (within
    ``warning_days``) or ``current``."""
    if expires_on < today:
        return "expired"
    if expires_on <= today + timedelta(days=warning_days):
        return "expiring"
    return "current"


class Person(db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[TableMembership]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    user: Mapped[User | None] = relationship(back_populates="person")  # noqa: F821

    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name}>"


class Affiliation(db.Model):
    """A person works for (or represents) an organization; people may bridge several."""

    __tablename__ = "affiliations"
    __table_args__ = (UniqueConstraint("person_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role_title: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship(back_populates="affiliations")
    organization: Mapped[Organization] = relationship(back_populates="affiliations")


class CoalitionTable(db.Model):
    """A table of the coalition: the coalition itself, a risk review table or an OFR team."""

    __tablename__ = "coalition_tables"
    __table_args__ = (
        CheckConstraint("kind IN ('coalition', 'risk_review', 'ofr')", name="kind"),
        CheckConstraint("cadence_days BETWEEN 1 AND 366", name="cadence_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    cadence_days: Mapped[int] = mapped_column(default=7)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    memberships: Mapped[list[TableMembership]] = relationship(
        back_populates="table", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def reviews_cases(self) -> bool:
        """Tables that see case-level data (risk review, OFR) require confidentiality."""
        return self.kind in CASE_REVIEW_KINDS

    @property
    def kind_label(self) -> str:
        return TABLE_KIND_LABELS[self.kind]

    def __repr__(self) -> str:
        return f"<CoalitionTable {self.id} {self.name}>"


class TableMembership(db.Model):
    """A person sits at a table for one organization, as a member or a manager."""

    __tablename__ = "table_memberships"
    __table_args__ = (
        UniqueConstraint("table_id", "person_id"),
        CheckConstraint("role IN ('member', 'manager')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("coalition_tables.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    table: Mapped[CoalitionTable] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship()
