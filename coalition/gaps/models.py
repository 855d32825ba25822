"""Continuum-of-care gaps and the recommendations that address them.

A :class:`Gap` is a weakness of the local system (a stage of the continuum, the sectors where it
shows, a gap type); the missed opportunities of case timelines are linked to it
(:class:`GapLink`), and how many cases and missed opportunities showed it is always counted from
those links. Merging a gap into another moves its links and keeps both histories
(:class:`GapEvent`).

A :class:`Recommendation` comes from gaps, cases and a meeting; it is classified, has a lead
agency and person, partners, a success measure, a status from the "recommendation status"
vocabulary with a dated log of updates (:class:`RecommendationUpdate`), the governing
committee's decision, and a work plan of action items (the "recommendation" action-item source).

Gaps and recommendations are coalition business, not case material: they hold no case detail.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coalition.core.db import UTCDateTime, db, sql_in, utcnow
from coalition.core.models import User, VocabTerm
from coalition.meetings.models import Meeting
from coalition.roster.models import CoalitionTable, Organization, Person

GAP_STATUSES = {"identified": "Identified", "recommendation_made": "Recommendation made",
                "being_addressed": "Being addressed", "addressed": "Addressed",
                "merged": "Merged into another gap"}
SCOPES = {"community": "Community-level", "case_specific": "Case-specific"}
TARGET_LEVELS = {"system": "System", "agency": "Agency", "population": "Population",
                 "research": "Research", "policy": "Policy"}
STRATEGIES = {"training": "Training", "policy_protocol": "Policy or protocol change",
              "service": "New or expanded service", "data_sharing": "Data sharing",
              "funding": "Funding", "public_awareness": "Public awareness"}
DECISIONS = {"endorsed": "Endorsed", "returned": "Returned with a note",
             "declined": "Declined"}
# recommendation statuses (vocabulary codes) that are finished: never stalled
FINISHED_STATUSES = ("implemented", "sustained", "not_feasible", "declined", "superseded")



class Gap(db.Model):
    __tablename__ = "gaps"
    __table_args__ = (
        UniqueConstraint("code"),
        CheckConstraint(sql_in("status", GAP_STATUSES), name="status"),
        CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)", name="merged"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    gap_type_id: Mapped[int | None] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="identified", index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("gaps.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    stage: Mapped[VocabTerm | None] = relationship(foreign_keys=[stage_id], lazy="joined")
    gap_type: Mapped[VocabTerm | None] = relationship(foreign_keys=[gap_type_id], lazy="joined")
    merged_into: Mapped[Gap | None] = relationship(remote_side="Gap.id")
    sectors: Mapped[list[VocabTerm]] = relationship(secondary="gap_sectors",
                                                    order_by="VocabTerm.position")
    events: Mapped[list[GapEvent]] = relationship(
        back_populates="gap", cascade="all, delete-orphan",
        order_by="GapEvent.occurred_at, GapEvent.id")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def status_label(self) -> str:
        return GAP_STATUSES[self.status]

    def __repr__(self) -> str:
        return f"<Gap {self.code}>"


class GapSector(db.Model):
    """A sector where the gap shows."""

    __tablename__ = "gap_sectors"

    gap_id: Mapped[int] = mapped_column(ForeignKey("gaps.id", ondelete="CASCADE"),
                                        primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("vocab_terms.id"), primary_key=True,
                                           index=True)


class GapLink(db.Model):
    """A missed opportunity of a case timeline that showed the gap (one gap each)."""

    __tablename__ = "gap_links"
    __table_args__ = (UniqueConstraint("touchpoint_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gap_id: Mapped[int] = mapped_column(ForeignKey("gaps.id", ondelete="CASCADE"), index=True)
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id", ondelete="CASCADE"))
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GapEvent(db.Model):
    """A line of the gap's history: created, status changed, merged (in either direction)."""

    __tablename__ = "gap_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    gap_id: Mapped[int] = mapped_column(ForeignKey("gaps.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(500))

    gap: Mapped[Gap] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class Recommendation(db.Model):
    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("code"),
        CheckConstraint(sql_in("scope", SCOPES), name="scope"),
        CheckConstraint(f"target_level IS NULL OR {sql_in('target_level', TARGET_LEVELS)}",
                        name="target_level"),
        CheckConstraint(f"strategy IS NULL OR {sql_in('strategy', STRATEGIES)}", name="strategy"),
        CheckConstraint(f"decision IS NULL OR {sql_in('decision', DECISIONS)}", name="decision"),
        CheckConstraint("target = '' OR success_measure <> ''", name="target_needs_measure"),
        CheckConstraint("decision IS NULL OR decision <> 'endorsed' OR "
                        "lead_organization_id IS NOT NULL", name="endorsed_has_lead"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    table_id: Mapped[int] = mapped_column(ForeignKey("coalition_tables.id", ondelete="CASCADE"),
                                          index=True)
    text: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(20), default="community")
    target_level: Mapped[str | None] = mapped_column(String(20))
    strategy: Mapped[str | None] = mapped_column(String(30))
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    lead_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    lead_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    success_measure: Mapped[str] = mapped_column(String(300), default="")
    baseline: Mapped[str] = mapped_column(String(200), default="")
    target: Mapped[str] = mapped_column(String(200), default="")
    status_id: Mapped[int] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    blockers: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(20))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    # the day of the latest status update (or of the recommendation itself): stalled after N days
    last_update_on: Mapped[date] = mapped_column(Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    table: Mapped[CoalitionTable] = relationship()
    stage: Mapped[VocabTerm | None] = relationship(foreign_keys=[stage_id], lazy="joined")
    status: Mapped[VocabTerm] = relationship(foreign_keys=[status_id], lazy="joined")
    lead_organization: Mapped[Organization | None] = relationship(lazy="joined")
    lead_person: Mapped[Person | None] = relationship(lazy="joined")
    source_meeting: Mapped[Meeting | None] = relationship()
    gaps: Mapped[list[Gap]] = relationship(secondary="recommendation_gaps",
                                           order_by="Gap.code")
    partners: Mapped[list[Organization]] = relationship(secondary="recommendation_partners",
                                                        order_by="Organization.name")
    updates: Mapped[list[RecommendationUpdate]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan",
        order_by="RecommendationUpdate.updated_on.desc(), RecommendationUpdate.id.desc()")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def is_finished(self) -> bool:
        return self.status.code in FINISHED_STATUSES

    def __repr__(self) -> str:
        return f"<Recommendation {self.code}>"


class RecommendationGap(db.Model):
    __tablename__ = "recommendation_gaps"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True)
    gap_id: Mapped[int] = mapped_column(ForeignKey("gaps.id", ondelete="CASCADE"),
                                        primary_key=True, index=True)


class RecommendationCase(db.Model):
    """A case the recommendation came from (its code is shown to the case's team only)."""

    __tablename__ = "recommendation_cases"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fatality_cases.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)


class RecommendationPartner(db.Model):
    __tablename__ = "recommendation_partners"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True, index=True)


class RecommendationUpdate(db.Model):
    """A dated status update: the status then, what happened, what blocks it."""

    __tablename__ = "recommendation_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    updated_on: Mapped[date] = mapped_column(Date)
    status_id: Mapped[int] = mapped_column(ForeignKey("vocab_terms.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="updates")
    status: Mapped[VocabTerm] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship()
