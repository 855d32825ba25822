"""Risk review (Hub / Situation Table, post-overdose outreach): situations of acutely elevated
risk with the four-filter privacy process in the data itself, outreach attempts, and overdose
incident reports imported as outreach referrals.

Filter 1 happens inside the originating agency. Filter 2 is the de-identified description on
:class:`RiskSituation`. Filter 3 is the table's decision: a rejected situation keeps only its
date, originating agency and reason (everything else is purged). Filter 4: identity lives in
:class:`SituationIdentity`, written only after acceptance, encrypted at rest, and revealed only
to the lead and assisting agencies through an audited action.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    case,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import Grouping

from coalition.core.db import UTCDateTime, db, sql_in, utcnow
from coalition.core.models import User, VocabTerm
from coalition.roster.models import CoalitionTable, Organization

# (code, label) pairs: small fixed vocabularies of the workflow itself.
REFERRAL_SOURCES = {
    "police_overdose_report": "Police overdose report",
    "ems": "EMS",
    "emergency_department": "Emergency department",
    "walk_in": "Walk-in or self-referral at a police station or agency",
    "family_friend": "Family or friend",
    "outreach_worker": "Outreach worker",
    "incident_import": "Imported incident report",
    "other": "Other",
}
LEVELS = {"individual": "Individual", "family": "Family", "group": "Group",
          "location": "Location"}
AGE_RANGES = {"under_18": "Under 18", "18_24": "18–24", "25_34": "25–34", "35_44": "35–44",
              "45_54": "45–54", "55_64": "55–64", "65_plus": "65 and over", "unknown": "Unknown"}
CONSENT_STATUSES = {"verbal": "Verbal", "written": "Written", "none": "None",
                    "not_applicable": "Not applicable"}
SITUATION_STATUSES = {"new": "New", "accepted": "Accepted", "rejected": "Rejected",
                      "concluded": "Concluded"}
AGENCY_ROLES = {"lead": "Lead agency", "assisting": "Assisting agency"}
ATTEMPT_MODES = {"phone": "Phone", "text": "Text message", "in_person": "In person",
                 "mail": "Mail", "video": "Video"}
TEAM_MEMBERS = {"peer": "Peer recovery coach", "clinician": "Clinician", "ems": "EMS",
                "police_plain_clothes": "Police in plain clothes",
                "police_uniformed": "Police in uniform", "social_worker": "Social worker",
                "harm_reduction": "Harm reduction worker", "other": "Other"}
POLICE_TEAM_MEMBERS = frozenset({"police_plain_clothes", "police_uniformed"})
ATTEMPT_RESULTS = {"contact_person": "Contact with the person",
                   "contact_network": "Contact with their network only",
                   "no_contact": "No contact", "declined": "Declined"}
ENGAGED_RESULTS = frozenset({"contact_person", "contact_network"})
OUTREACH_SERVICES = {"naloxone_kit": "Naloxone kit", "test_strips": "Test strips",
                     "overdose_response_plan": "Overdose response plan",
                     "treatment_referral": "Treatment or MOUD referral",
                     "recovery_coach": "Recovery coach", "family_support": "Family support",
                     "housing": "Housing", "food": "Food", "transportation": "Transportation"}
RISK_STATUSES = {"lowered": "Risk lowered", "still_elevated": "Still elevated"}
OUTCOMES = {"connected": "Connected to services", "informed": "Informed of services",
            "refused": "Refused", "unable_to_locate": "Unable to locate or moved",
            "referred_elsewhere": "Referred elsewhere", "other": "Other"}
REFERRAL_STATUSES = {"open": "Open", "converted": "Made a situation", "dismissed": "Dismissed"}



class RiskSituation(db.Model):
    __tablename__ = "risk_situations"
    __table_args__ = (
        CheckConstraint(sql_in("status", SITUATION_STATUSES), name="status"),
        CheckConstraint(sql_in("referral_source", REFERRAL_SOURCES), name="referral_source"),
        CheckConstraint(f"level IS NULL OR {sql_in('level', LEVELS)}", name="level"),
        CheckConstraint(f"age_range IS NULL OR {sql_in('age_range', AGE_RANGES)}",
                        name="age_range"),
        CheckConstraint(f"consent_status IS NULL OR {sql_in('consent_status', CONSENT_STATUSES)}",
                        name="consent_status"),
        CheckConstraint(f"risk_status IS NULL OR {sql_in('risk_status', RISK_STATUSES)}",
                        name="risk_status"),
        CheckConstraint(f"outcome IS NULL OR {sql_in('outcome', OUTCOMES)}", name="outcome"),
        # A rejected situation keeps only its date, originating agency and reason.
        CheckConstraint("status <> 'rejected' OR (level IS NULL AND age_range IS NULL "
                        "AND gender = '' AND language = '' AND summary = '' "
                        "AND protective_factors = '' AND consent_status IS NULL)",
                        name="rejected_is_minimal"),
        # Holds what the board counts its sections by, so counting reads the index alone; it
        # also serves every lookup by table, or by table and status.
        Index("ix_risk_situations_board", "table_id", "status", "first_contact_at",
              "concluded_on"),
        # In the board's order of a section (those presented longest ago first), so a section's
        # first rows are read from it instead of sorting the whole section.
        Index("ix_risk_situations_board_order", "table_id", "status", "presented_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # RS-2026-0042
    table_id: Mapped[int] = mapped_column(ForeignKey("coalition_tables.id", ondelete="CASCADE"))
    originating_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), index=True)
    referral_source: Mapped[str] = mapped_column(String(40))
    presented_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="new")
    # filter 2: the de-identified description (purged on rejection)
    level: Mapped[str | None] = mapped_column(String(20))
    age_range: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str] = mapped_column(String(60), default="")
    language: Mapped[str] = mapped_column(String(60), default="")
    consent_status: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    protective_factors: Mapped[str] = mapped_column(Text, default="")
    # filter 3: the table's decision
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    times_discussed: Mapped[int] = mapped_column(default=0)
    # conclusion
    concluded_on: Mapped[date | None] = mapped_column(Date)
    risk_status: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(30))
    conclusion_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    table: Mapped[CoalitionTable] = relationship()
    originating_organization: Mapped[Organization] = relationship()
    risk_factors: Mapped[list[VocabTerm]] = relationship(
        secondary="situation_risk_factors", order_by="VocabTerm.position")
    agencies: Mapped[list[SituationAgency]] = relationship(
        back_populates="situation", cascade="all, delete-orphan")
    identity: Mapped[SituationIdentity | None] = relationship(
        back_populates="situation", cascade="all, delete-orphan", uselist=False)
    attempts: Mapped[list[OutreachAttempt]] = relationship(
        back_populates="situation", order_by="OutreachAttempt.attempted_at",
        cascade="all, delete-orphan")
    discussions: Mapped[list[SituationDiscussion]] = relationship(
        back_populates="situation", order_by="SituationDiscussion.id",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def status_label(self) -> str:
        return SITUATION_STATUSES[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in ("new", "accepted")

    def __repr__(self) -> str:
        return f"<RiskSituation {self.code} {self.status}>"


situation_risk_factors = db.Table(
    "situation_risk_factors",
    db.Column("situation_id", ForeignKey("risk_situations.id", ondelete="CASCADE"),
              primary_key=True),
    db.Column("term_id", ForeignKey("vocab_terms.id"), primary_key=True),
)


class SituationAgency(db.Model):
    """The lead agency and the assisting agencies of an accepted situation."""

    __tablename__ = "situation_agencies"
    __table_args__ = (
        UniqueConstraint("situation_id", "organization_id"),
        CheckConstraint("role IN ('lead', 'assisting')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    situation_id: Mapped[int] = mapped_column(
        ForeignKey("risk_situations.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # A manager who assigned the agency they sit for (and may then reveal the identity) says why.
    self_assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    self_assignment_reason: Mapped[str] = mapped_column(Text, default="")

    situation: Mapped[RiskSituation] = relationship(back_populates="agencies")
    organization: Mapped[Organization] = relationship()
    self_assigned_by: Mapped[User | None] = relationship()


class SituationIdentity(db.Model):
    """Who the person is: only after acceptance, every field encrypted at rest (Fernet tokens)."""

    __tablename__ = "situation_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    situation_id: Mapped[int] = mapped_column(
        ForeignKey("risk_situations.id", ondelete="CASCADE"), unique=True)
    name_encrypted: Mapped[str] = mapped_column(Text, default="")
    birth_date_encrypted: Mapped[str] = mapped_column(Text, default="")
    location_encrypted: Mapped[str] = mapped_column(Text, default="")
    phone_encrypted: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    situation: Mapped[RiskSituation] = relationship(back_populates="identity")


class OutreachAttempt(db.Model):
    __tablename__ = "outreach_attempts"
    __table_args__ = (
        CheckConstraint(sql_in("mode", ATTEMPT_MODES), name="mode"),
        CheckConstraint(sql_in("result", ATTEMPT_RESULTS), name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    situation_id: Mapped[int] = mapped_column(
        ForeignKey("risk_situations.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    mode: Mapped[str] = mapped_column(String(20))
    team: Mapped[str] = mapped_column(String(200), default="")  # comma-separated TEAM_MEMBERS
    police_present: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    situation: Mapped[RiskSituation] = relationship(back_populates="attempts")
    organization: Mapped[Organization] = relationship()
    services: Mapped[list[OutreachService]] = relationship(
        back_populates="attempt", order_by="OutreachService.id", cascade="all, delete-orphan")

    @property
    def team_codes(self) -> list[str]:
        return [code for code in self.team.split(",") if code]


class OutreachService(db.Model):
    """A service offered during an attempt, and whether the person accepted it."""

    __tablename__ = "outreach_services"
    __table_args__ = (
        UniqueConstraint("attempt_id", "service"),
        CheckConstraint(sql_in("service", OUTREACH_SERVICES), name="service"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_attempts.id", ondelete="CASCADE"), index=True)
    service: Mapped[str] = mapped_column(String(40))
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)

    attempt: Mapped[OutreachAttempt] = relationship(back_populates="services")


class SituationDiscussion(db.Model):
    """One discussion of a situation at a meeting (the situation's history at the table)."""

    __tablename__ = "situation_discussions"

    id: Mapped[int] = mapped_column(primary_key=True)
    situation_id: Mapped[int] = mapped_column(
        ForeignKey("risk_situations.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    situation: Mapped[RiskSituation] = relationship(back_populates="discussions")
    user: Mapped[User | None] = relationship()


class IncidentImport(db.Model):
    """One imported CSV file of overdose incident reports."""

    __tablename__ = "incident_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("coalition_tables.id", ondelete="CASCADE"),
                                          index=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    row_count: Mapped[int] = mapped_column(default=0)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutreachReferral(db.Model):
    """An imported overdose incident report, waiting to be made a situation (or dismissed)."""

    __tablename__ = "outreach_referrals"
    __table_args__ = (
        UniqueConstraint("table_id", "agency", "incident_number"),
        CheckConstraint(sql_in("status", REFERRAL_STATUSES), name="status"),
        CheckConstraint("naloxone_doses IS NULL OR naloxone_doses BETWEEN 0 AND 50",
                        name="naloxone_doses"),
        Index("ix_outreach_referrals_table_id_status", "table_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("coalition_tables.id", ondelete="CASCADE"))
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("incident_imports.id", ondelete="SET NULL"), index=True)
    agency: Mapped[str] = mapped_column(String(200))  # as written in the file
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    incident_number: Mapped[str] = mapped_column(String(60))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(200), default="")  # approximate only
    is_fatal: Mapped[bool] = mapped_column(Boolean, default=False)
    naloxone_administered: Mapped[bool] = mapped_column(Boolean, default=False)
    naloxone_doses: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="open")
    dismissal_reason: Mapped[str] = mapped_column(Text, default="")
    situation_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk_situations.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization | None] = relationship()
    situation: Mapped[RiskSituation | None] = relationship()


def referral_open_first():
    """0 for an open referral, 1 for any other: the referral list's first sort key. Written
    with literals, so that the index below serves the list's ORDER BY (an index on an
    expression is used only for that same expression)."""
    return case((OutreachReferral.status == literal_column("'open'"), literal_column("0")),
                else_=literal_column("1"))


# the referral list of a table in its order (open ones first, newest incident first), read
# from the index page by page instead of sorting all the table's referrals
Index("ix_outreach_referrals_open_first", OutreachReferral.table_id,
      Grouping(referral_open_first()),  # PostgreSQL wants an expression in parentheses
      OutreachReferral.occurred_at.desc(), OutreachReferral.id.desc())
