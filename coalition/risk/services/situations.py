"""Situations: the de-identified description (filter 2), the table's decision (filter 3, with
the purge on rejection), the lead and assisting agencies, and the conclusion.

Every verb takes the acting user first, raises :class:`ServiceError` (with its form field) when a
rule is broken, writes its audit row and flushes; the caller commits. Audit summaries never carry
the description itself, only codes and what changed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coalition.core import audit
from coalition.core.codes import insert_with_code
from coalition.core.db import utcnow
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today, to_local
from coalition.core.text import clean
from coalition.core.vocab import get_term
from coalition.extensions import db
from coalition.meetings.models import Meeting
from coalition.risk.models import (
    AGE_RANGES,
    CONSENT_STATUSES,
    LEVELS,
    OUTCOMES,
    REFERRAL_SOURCES,
    RISK_STATUSES,
    RiskSituation,
    SituationAgency,
)
from coalition.risk.services.identifiers import summary_warnings
from coalition.risk.services.purge import purge_situation
from coalition.roster import seats
from coalition.roster.models import Organization

SUMMARY_MAX = 4000
TEXT_MAX = 2000
SHORT_MAX = 60
RISK_FACTOR_VOCABULARY = "risk_factor_category"

# --- queries shared by the risk screens -------------------------------------------------------

def table_situations_query(table):
    """The situations of a table, newest first, with what lists show loaded."""
    return (select(RiskSituation)
            .where(RiskSituation.table_id == table.id)
            .options(selectinload(RiskSituation.originating_organization),
                     selectinload(RiskSituation.agencies)
                     .selectinload(SituationAgency.organization))
            .order_by(RiskSituation.presented_on.desc(), RiskSituation.id.desc()))


# --- creation and edits (filter 2) ------------------------------------------------------------

def _text(value, *, field: str, max_length: int, required: str | None = None) -> str:
    return clean(value, field=field, max_length=max_length, required=required,
                 multiline=max_length > SHORT_MAX)


def _code(value, vocabulary: dict, *, field: str, message: str) -> str:
    if value not in vocabulary:
        raise ServiceError(message, field=field)
    return value


def _filter2_values(table, *, originating_organization_id, referral_source, presented_on, level,
                    age_range, gender, language, consent_status, summary, protective_factors,
                    risk_factor_ids) -> dict:
    if originating_organization_id not in seats.organization_ids_at(table):
        raise ServiceError("Choose an organization seated at this table.",
                           field="originating_organization_id")
    if not isinstance(presented_on, date):
        raise ServiceError("Enter the date the situation was presented.", field="presented_on")
    if presented_on > local_today():
        raise ServiceError("The date presented cannot be in the future.", field="presented_on")
    factors = []
    for term_id in dict.fromkeys(risk_factor_ids or ()):
        term = get_term(RISK_FACTOR_VOCABULARY, term_id)
        if term is None:
            raise ServiceError("Choose risk factors from the list.", field="risk_factor_ids")
        factors.append(term)
    return {
        "originating_organization_id": originating_organization_id,
        "referral_source": _code(referral_source, REFERRAL_SOURCES, field="referral_source",
                                 message="Choose how the situation came to the agency."),
        "presented_on": presented_on,
        "level": _code(level, LEVELS, field="level", message="Choose the level."),
        "age_range": _code(age_range, AGE_RANGES, field="age_range",
                           message="Choose an age range (or Unknown)."),
        "gender": _text(gender, field="gender", max_length=SHORT_MAX),
        "language": _text(language, field="language", max_length=SHORT_MAX),
        "consent_status": _code(consent_status, CONSENT_STATUSES, field="consent_status",
                                message="Choose the consent status."),
        "summary": _text(summary, field="summary", max_length=SUMMARY_MAX,
                         required="Describe the situation (without identifying the person)."),
        "protective_factors": _text(protective_factors, field="protective_factors",
                                    max_length=TEXT_MAX),
        "risk_factors": factors,
    }


def create_situation(actor, table, *, originating_organization_id, referral_source,
                     presented_on, level, age_range, gender="", language="", consent_status,
                     summary, protective_factors="", risk_factor_ids=(),
                     referral=None) -> RiskSituation:
    """Record a new (undecided) situation. ``situation.warnings`` lists what looks like an
    identifier in the description (the caller shows them; nothing is refused for it)."""
    if table is None or table.kind != "risk_review":
        raise ServiceError("Situations are brought to a risk review table.")
    values = _filter2_values(
        table, originating_organization_id=originating_organization_id,
        referral_source=referral_source, presented_on=presented_on, level=level,
        age_range=age_range, gender=gender, language=language, consent_status=consent_status,
        summary=summary, protective_factors=protective_factors, risk_factor_ids=risk_factor_ids)
    if referral is not None and (referral.table_id != table.id or referral.status != "open"):
        raise ServiceError("This incident report is no longer open at this table.")
    situation = RiskSituation(table=table, status="new",
                              created_by_id=actor.id if actor is not None else None, **values)
    insert_with_code(situation, RiskSituation.code, f"RS-{presented_on.year}-", thing="situation")
    if referral is not None:
        referral.status = "converted"
        referral.situation_id = situation.id
    org = db.session.get(Organization, originating_organization_id)
    audit.log(actor, "create", situation, case_table=table,
              summary=f"situation {situation.code} at {table.name} brought by {org.name}"
                      + (" from an imported incident report" if referral is not None else ""))
    db.session.flush()
    situation.warnings = summary_warnings(situation.summary, situation.protective_factors)
    return situation


def update_situation(actor, situation: RiskSituation, *, originating_organization_id,
                     referral_source, presented_on, level, age_range, gender="", language="",
                     consent_status, summary, protective_factors="",
                     risk_factor_ids=()) -> list[str]:
    """Correct the description while the table has not decided; returns identifier warnings."""
    if situation.status != "new":
        raise ServiceError("Only a situation the table has not decided yet can be edited.")
    values = _filter2_values(
        situation.table, originating_organization_id=originating_organization_id,
        referral_source=referral_source, presented_on=presented_on, level=level,
        age_range=age_range, gender=gender, language=language, consent_status=consent_status,
        summary=summary, protective_factors=protective_factors, risk_factor_ids=risk_factor_ids)
    changed = [key for key, value in values.items() if getattr(situation, key) != value]
    for key, value in values.items():
        setattr(situation, key, value)
    audit.log(actor, "update", situation, case_table=situation.table,
              summary=f"situation {situation.code}: "
                      + (", ".join(changed) + " changed" if changed else "no changes"))
    db.session.flush()
    return summary_warnings(situation.summary, situation.protective_factors)


# --- the table's decision (filter 3) ------------------------------------------------------------

def _agency_ids(table, lead_organization_id, assisting_organization_ids) -> list[int]:
    seated = seats.organization_ids_at(table)
    if lead_organization_id is None:
        raise ServiceError("Choose the lead agency.", field="lead_organization_id")
    if lead_organization_id not in seated:
        raise ServiceError("Choose a lead agency seated at this table.",
                           field="lead_organization_id")
    assisting = list(dict.fromkeys(assisting_organization_ids or ()))
    if lead_organization_id in assisting:
        raise ServiceError("The lead agency cannot also be an assisting agency.",
                           field="assisting_organization_ids")
    if any(org_id not in seated for org_id in assisting):
        raise ServiceError("Choose assisting agencies seated at this table.",
                           field="assisting_organization_ids")
    return assisting


SELF_ASSIGNMENT_MESSAGE = ("You sit at this table for an agency you are assigning: its members "
                           "may then see who the person is. Say why your own agency takes it "
                           "on.")


def _apply_agencies(actor, situation, lead_id: int, assisting: list[int],
                    self_assignment_reason) -> str | None:
    """Update the agency rows in place (a delete and re-insert of the same organization would
    break the unique constraint inside one flush). A manager who adds the agency they sit for
    must give a reason, kept on that agency's row; returns that agency's name."""
    wanted = {lead_id: "lead", **{org_id: "assisting" for org_id in assisting}}
    own = seats.seat_organization_id(actor, situation.table) if actor is not None else None
    existing = {agency.organization_id for agency in situation.agencies}
    reason = ""
    if own in wanted and own not in existing:
        reason = _text(self_assignment_reason, field="self_assignment_reason",
                       max_length=TEXT_MAX, required=SELF_ASSIGNMENT_MESSAGE)
    for agency in list(situation.agencies):
        if agency.organization_id in wanted:
            agency.role = wanted.pop(agency.organization_id)
        else:
            situation.agencies.remove(agency)
    for org_id, role in wanted.items():
        row = SituationAgency(organization_id=org_id, role=role)
        if org_id == own and reason:
            row.self_assigned_by_id, row.self_assignment_reason = actor.id, reason
        situation.agencies.append(row)
    return db.session.get(Organization, own).name if reason else None


def _log_self_assignment(actor, situation, agency_name: str | None) -> None:
    """Coordinators see every self-assignment in the audit log (by code and agency only)."""
    if agency_name:
        audit.log(actor, "self_assign", situation,
                  summary=f"{actor.name} assigned the agency they sit for ({agency_name}) to "
                          f"situation {situation.code}; the reason is on the situation")


def _agency_names(lead_id: int, assisting: list[int]) -> str:
    names = dict(db.session.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_([lead_id, *assisting]))).all())
    text = f"lead {names.get(lead_id)}"
    if assisting:
        text += "; assisting " + ", ".join(names.get(org_id, "?") for org_id in assisting)
    return text


def decide_situation(actor, situation: RiskSituation, *, accepted: bool, meeting=None,
                     reason: str = "", lead_organization_id=None,
                     assisting_organization_ids=(), self_assignment_reason: str = "") -> None:
    """The table's decision: accepted (acutely elevated risk) with its agencies, or rejected with
    a reason, in which case everything but the minimal fields is purged in this transaction."""
    if situation.status != "new":
        raise ServiceError("The table has already decided on this situation.")
    if meeting is not None and meeting.table_id != situation.table_id:
        raise ServiceError("Choose a meeting of this table.", field="meeting_id")
    if accepted:
        assisting = _agency_ids(situation.table, lead_organization_id,
                                assisting_organization_ids)
        own = _apply_agencies(actor, situation, lead_organization_id, assisting,
                              self_assignment_reason)
        situation.status = "accepted"
        situation.accepted_at = utcnow()
        situation.rejection_reason = ""
        detail = _agency_names(lead_organization_id, assisting)
    else:
        reason = _text(reason, field="reason", max_length=TEXT_MAX,
                       required="Give the reason the situation is not acutely elevated risk.")
        purge_situation(situation)
        situation.status = "rejected"
        situation.rejection_reason = reason
        detail = "description, risk factors, agencies and identity purged"
    situation.decided_on = to_local(meeting.starts_at).date() if meeting else local_today()
    situation.decision_meeting_id = meeting.id if meeting is not None else None
    audit.log(actor, "accept" if accepted else "reject", situation, case_table=situation.table,
              summary=f"situation {situation.code} {situation.status}: {detail}")
    if accepted:
        _log_self_assignment(actor, situation, own)
    db.session.flush()


def set_agencies(actor, situation: RiskSituation, *, lead_organization_id,
                 assisting_organization_ids=(), self_assignment_reason: str = "") -> None:
    """Change the lead and assisting agencies of an accepted situation."""
    if situation.status != "accepted":
        raise ServiceError("Agencies are assigned to accepted, open situations only.")
    assisting = _agency_ids(situation.table, lead_organization_id, assisting_organization_ids)
    own = _apply_agencies(actor, situation, lead_organization_id, assisting,
                          self_assignment_reason)
    audit.log(actor, "agencies", situation, case_table=situation.table,
              summary=f"situation {situation.code}: "
                      f"{_agency_names(lead_organization_id, assisting)}")
    _log_self_assignment(actor, situation, own)
    db.session.flush()


# --- conclusion -------------------------------------------------------------------------------

def conclude_situation(actor, situation: RiskSituation, *, concluded_on, risk_status, outcome,
                       note: str = "") -> None:
    if situation.status != "accepted":
        raise ServiceError("Only an accepted, open situation can be concluded.")
    if not isinstance(concluded_on, date):
        raise ServiceError("Enter the date the situation was concluded.", field="concluded_on")
    accepted_on = to_local(situation.accepted_at).date() if situation.accepted_at else None
    if accepted_on is not None and concluded_on < accepted_on:
        raise ServiceError(f"The situation was accepted on {accepted_on.isoformat()}; it "
                           "cannot be concluded before that.", field="concluded_on")
    if concluded_on > local_today():
        raise ServiceError("The conclusion date cannot be in the future.", field="concluded_on")
    situation.risk_status = _code(risk_status, RISK_STATUSES, field="risk_status",
                                  message="Choose whether the risk was lowered.")
    situation.outcome = _code(outcome, OUTCOMES, field="outcome", message="Choose the outcome.")
    situation.conclusion_note = _text(note, field="note", max_length=TEXT_MAX)
    situation.concluded_on = concluded_on
    situation.status = "concluded"
    audit.log(actor, "conclude", situation, case_table=situation.table,
              summary=f"situation {situation.code} concluded on {concluded_on.isoformat()}: "
                      f"{RISK_STATUSES[situation.risk_status]}, {OUTCOMES[situation.outcome]}")
    db.session.flush()


def decision_meetings(table, limit: int = 12) -> list[Meeting]:
    """Recent and upcoming meetings of ``table`` a decision can be attached to."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.table_id == table.id, Meeting.status != "draft")
        .order_by(Meeting.starts_at.desc()).limit(limit)))
