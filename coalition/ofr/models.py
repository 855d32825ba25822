"""Overdose fatality review: deaths and the cases the team reviews, their restricted identity,
substances, selection criteria, records requests, and the timeline of touchpoints with the
missed opportunities marked on it; the column mappings remembered per import source.

A case is named by its code (``OFR-2026-0007``) everywhere. Its identifiers (name, date of birth,
the medical examiner's case number, address) and the cause narrative live encrypted in
:class:`CaseIdentity`, shown only by an audited reveal. Every fact accepts "unknown": yes/no
circumstances are ``yes``, ``no`` or ``unknown``, codes have an ``unknown``, numbers and dates
may be empty.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from coalition.core.db import UTCDateTime, db, sql_in, utcnow
from coalition.core.models import User, VocabTerm
from coalition.meetings.models import Meeting
from coalition.roster.models import CoalitionTable, Organization

# Workflow: identified → awaiting information → eligible → selected → records requested →
# summary drafted → reviewed → data complete → closed; or excluded (with a reason) at any point.
CASE_STATUSES = {
    "identified": "Identified", "awaiting_info": "Awaiting toxicology or investigation",
    "eligible": "Eligible", "selected": "Selected for a meeting",
    "records_requested": "Records requested", "summary_drafted": "Summary drafted",
    "reviewed": "Reviewed", "data_complete": "Data complete", "closed": "Closed",
    "excluded": "Excluded",
}
# selected for a meeting and not reviewed yet
AWAITING_REVIEW = ("selected", "records_requested", "summary_drafted")
OPEN_STATUSES = tuple(code for code in CASE_STATUSES if code not in ("closed", "excluded"))
TRISTATE = {"yes": "Yes", "no": "No", "unknown": "Unknown"}
SEXES = {"female": "Female", "male": "Male", "other": "Another sex or gender",
         "unknown": "Unknown"}
RACES = {"american_indian_alaska_native": "American Indian or Alaska Native", "asian": "Asian",
         "black": "Black or African American",
         "native_hawaiian_pacific_islander": "Native Hawaiian or Pacific Islander",
         "white": "White", "multiple": "More than one race", "other": "Other",
         "unknown": "Unknown"}
ETHNICITIES = {"hispanic": "Hispanic or Latino", "not_hispanic": "Not Hispanic or Latino",
               "unknown": "Unknown"}
PLACES = {"own_residence": "Own residence", "other_residence": "Another person's residence",
          "hotel_motel": "Hotel or motel", "outdoors": "Outdoors or street",
          "vehicle": "Vehicle", "hospital": "Hospital or emergency department",
          "custody": "Jail or prison", "treatment_facility": "Treatment facility",
          "shelter": "Shelter", "other": "Other", "unknown": "Unknown"}
MANNERS = {"accident": "Accident", "suicide": "Suicide", "homicide": "Homicide",
           "undetermined": "Undetermined", "pending": "Pending investigation",
           "unknown": "Unknown"}
NALOXONE_BY = {"bystander": "Bystander", "ems": "EMS", "police": "Police",
               "hospital": "Hospital", "other": "Other", "unknown": "Unknown"}
RELEASES = {"none": "None known", "jail": "Jail", "prison": "Prison",
            "residential_treatment": "Residential treatment", "hospital": "Hospital",
            "unknown": "Unknown"}
SUBSTANCE_ROLES = {"cause": "Cause of death", "present": "Present"}
DATE_PRECISIONS = {"day": "Exact date", "month": "Month only", "year": "Year only"}
CRITERION_RESULTS = {"met": "Met", "not_met": "Not met", "unknown": "Unknown"}



def _tristate() -> Mapped[str]:
    """A circumstance answered yes, no or unknown (the default)."""
    return mapped_column(String(10), default="unknown")


class FatalityCase(db.Model):
    """A death in the table's jurisdiction, and its review."""

    __tablename__ = "fatality_cases"
    __table_args__ = (
        UniqueConstraint("code"),
        UniqueConstraint("table_id", "source_key"),
        CheckConstraint(sql_in("status", CASE_STATUSES), name="status"),
        CheckConstraint("age IS NULL OR age BETWEEN 0 AND 120", name="age"),
        CheckConstraint("naloxone_doses IS NULL OR naloxone_doses BETWEEN 0 AND 50",
                        name="naloxone_doses"),
        CheckConstraint("prior_overdoses IS NULL OR prior_overdoses BETWEEN 0 AND 500",
                        name="prior_overdoses"),
        CheckConstraint("status <> 'excluded' OR exclusion_reason <> ''",
                        name="excluded_with_reason"),
        Index("ix_fatality_cases_table_id_status", "table_id", "status"),
        Index("ix_fatality_cases_table_id_date_of_death", "table_id", "date_of_death"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("coalition_tables.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="identified")
    exclusion_reason: Mapped[str] = mapped_column(Text, default="")
    # A keyed hash of the source's case number, to find duplicates without reading it.
    source_key: Mapped[str | None] = mapped_column(String(64))
    selected_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    # core facts
    date_of_death: Mapped[date | None] = mapped_column(Date)
    age: Mapped[int | None] = mapped_column()
    sex: Mapped[str] = mapped_column(String(10), default="unknown")
    race: Mapped[str] = mapped_column(String(40), default="unknown")
    ethnicity: Mapped[str] = mapped_column(String(20), default="unknown")
    county_of_residence: Mapped[str] = mapped_column(String(100), default="")
    county_of_death: Mapped[str] = mapped_column(String(100), default="")
    place_of_death: Mapped[str] = mapped_column(String(30), default="unknown")
    manner: Mapped[str] = mapped_column(String(20), default="unknown")
    # circumstances
    bystander_present: Mapped[str] = _tristate()
    naloxone_administered: Mapped[str] = _tristate()
    naloxone_by: Mapped[str] = mapped_column(String(20), default="unknown")
    naloxone_doses: Mapped[int | None] = mapped_column()
    prior_overdoses: Mapped[int | None] = mapped_column()
    last_prior_overdose_on: Mapped[date | None] = mapped_column(Date)
    recent_release: Mapped[str] = mapped_column(String(30), default="unknown")
    released_on: Mapped[date | None] = mapped_column(Date)
    housing_instability: Mapped[str] = _tristate()
    moud_ever: Mapped[str] = _tristate()
    moud_at_death: Mapped[str] = _tristate()
    mental_health_diagnosis: Mapped[str] = _tristate()
    chronic_pain: Mapped[str] = _tristate()
    veteran: Mapped[str] = _tristate()
    pregnant_postpartum: Mapped[str] = _tristate()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version_id: Mapped[int] = mapped_column(default=1)

    table: Mapped[CoalitionTable] = relationship()
    selected_meeting: Mapped[Meeting | None] = relationship()
    identity: Mapped[CaseIdentity | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False)
    substances: Mapped[list[CaseSubstance]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseSubstance.id")
    criteria: Mapped[list[CaseCriterion]] = relationship(
        back_populates="case", cascade="all, delete-orphan")
    requests: Mapped[list[RecordsRequest]] = relationship(
        back_populates="case", cascade="all, delete-orphan",
        order_by="RecordsRequest.requested_on, RecordsRequest.id")
    touchpoints: Mapped[list[Touchpoint]] = relationship(
        back_populates="case", cascade="all, delete-orphan",
        order_by="Touchpoint.occurred_on, Touchpoint.id")

    # how many touchpoints it has, when loaded with it (``services.case_page_options``); else None
    touchpoint_total: Mapped[int | None] = query_expression()
    # its checklist answers as text, when loaded with it (``services.selection.answers_column``)
    checklist_answers: Mapped[str | None] = query_expression()
    # its records requests and action items as JSON text, when loaded for its page
    # (``services.case_page_options``); else None
    request_rows: Mapped[str | None] = query_expression()
    action_rows: Mapped[str | None] = query_expression()

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def status_label(self) -> str:
        return CASE_STATUSES[self.status]

    def __repr__(self) -> str:
        return f"<FatalityCase {self.code} {self.status}>"


# The deaths list's order (most recent death first, unknown dates last) within a table, so a
# page of the list is read from the index and stops at its limit instead of sorting all the
# table's cases. PostgreSQL only: an index cannot say NULLS LAST in SQLite, whose descending
# order puts them last anyway (there ix_fatality_cases_table_id_date_of_death, which ends with
# the row id, already serves the list's order).
Index("ix_fatality_cases_death_order", FatalityCase.table_id,
      FatalityCase.date_of_death.desc().nulls_last(), FatalityCase.id.desc()
      ).ddl_if(dialect="postgresql")


class CaseIdentity(db.Model):
    """Who the person was, and the cause narrative: every value encrypted at rest."""

    __tablename__ = "case_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("fatality_cases.id", ondelete="CASCADE"), unique=True)
    name_encrypted: Mapped[str] = mapped_column(Text, default="")
    birth_date_encrypted: Mapped[str] = mapped_column(Text, default="")
    me_case_number_encrypted: Mapped[str] = mapped_column(Text, default="")
    address_encrypted: Mapped[str] = mapped_column(Text, default="")
    cause_narrative_encrypted: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    case: Mapped[FatalityCase] = relationship(back_populates="identity")


class CaseSubstance(db.Model):
    """A substance found by toxicology: a cause of death or present."""

    __tablename__ = "case_substances"
    __table_args__ = (
        UniqueConstraint("case_id", "term_id"),
        CheckConstraint(sql_in("role", SUBSTANCE_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("fatality_cases.id", ondelete="CASCADE"), index=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="cause")

    case: Mapped[FatalityCase] = relationship(back_populates="substances")
    term: Mapped[VocabTerm] = relationship(lazy="joined")  # always shown with its label


class SelectionCriterion(db.Model):
    """One item of a table's case selection checklist (e.g. "died in the county")."""

    __tablename__ = "selection_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("coalition_tables.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)


class CaseCriterion(db.Model):
    """Whether a case meets one criterion of its table's checklist."""

    __tablename__ = "case_criteria"
    __table_args__ = (
        UniqueConstraint("case_id", "criterion_id"),
        CheckConstraint(sql_in("result", CRITERION_RESULTS), name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("fatality_cases.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("selection_criteria.id", ondelete="CASCADE"), index=True)
    result: Mapped[str] = mapped_column(String(10), default="unknown")

    case: Mapped[FatalityCase] = relationship(back_populates="criteria")
    criterion: Mapped[SelectionCriterion] = relationship()


class RequestAnswer:
    """Whether records asked for came back: of a request, and of a case page's row of one
    (both have ``received_on``, ``nothing_found`` and ``due_on``)."""

    @property
    def is_answered(self) -> bool:
        return self.received_on is not None or bool(self.nothing_found)

    def is_overdue(self, today: date) -> bool:
        return not self.is_answered and self.due_on < today


class RecordsRequest(RequestAnswer, db.Model):
    """Records asked of one agency about a case: when, by when, and what came back."""

    __tablename__ = "records_requests"
    __table_args__ = (
        UniqueConstraint("case_id", "organization_id"),
        CheckConstraint("due_on >= requested_on", name="due_after_requested"),
        CheckConstraint("received_on IS NULL OR received_on >= requested_on",
                        name="received_after_requested"),
        Index("ix_records_requests_open", "received_on", "nothing_found", "due_on"),
        # a case's requests, and which of them are overdue, from the index alone
        Index("ix_records_requests_case_open", "case_id", "received_on", "nothing_found",
              "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fatality_cases.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    nothing_found: Mapped[bool] = mapped_column(default=False)
    # Substance use treatment records (42 CFR Part 2): flagged, and so is whatever they feed.
    is_part2: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[FatalityCase] = relationship(back_populates="requests")
    organization: Mapped[Organization] = relationship(lazy="joined")  # shown with its name


class Touchpoint(db.Model):
    """One contact of the person with services before death, placed on the case's timeline;
    possibly a missed opportunity, with the gap type and why."""

    __tablename__ = "touchpoints"
    __table_args__ = (
        CheckConstraint(sql_in("precision", DATE_PRECISIONS), name="precision"),
        CheckConstraint("is_missed_opportunity OR gap_type_id IS NULL",
                        name="gap_only_when_missed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("fatality_cases.id", ondelete="CASCADE"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date)  # the first day of a month or year if vaguer
    precision: Mapped[str] = mapped_column(String(10), default="day")
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    source_record: Mapped[str] = mapped_column(String(200), default="")
    is_missed_opportunity: Mapped[bool] = mapped_column(default=False)
    gap_type_id: Mapped[int | None] = mapped_column(ForeignKey("vocab_terms.id"), index=True)
    rationale: Mapped[str] = mapped_column(Text, default="")
    is_part2: Mapped[bool] = mapped_column(default=False)  # from a 42 CFR Part 2 record
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[FatalityCase] = relationship(back_populates="touchpoints")
    organization: Mapped[Organization | None] = relationship()
    sector: Mapped[VocabTerm | None] = relationship(foreign_keys=[sector_id])
    type: Mapped[VocabTerm] = relationship(foreign_keys=[type_id])
    stage: Mapped[VocabTerm | None] = relationship(foreign_keys=[stage_id])
    gap_type: Mapped[VocabTerm | None] = relationship(foreign_keys=[gap_type_id])
    created_by: Mapped[User | None] = relationship()


class DeathImportSource(db.Model):
    """A medical examiner or vital-records export the table imports from, with the column
    mapping remembered for its next file (JSON: file column → case field or substance)."""

    __tablename__ = "death_import_sources"
    __table_args__ = (UniqueConstraint("table_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("coalition_tables.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))
    mapping: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class OfrSettings(db.Model):
    """A fatality review table's own settings."""

    __tablename__ = "ofr_settings"

    table_id: Mapped[int] = mapped_column(
        ForeignKey("coalition_tables.id", ondelete="CASCADE"), primary_key=True)
    records_due_days: Mapped[int] = mapped_column(default=30)
    completeness_threshold: Mapped[int] = mapped_column(default=70)  # percent
