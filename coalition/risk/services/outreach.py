"""Outreach attempts on accepted situations, and what the situation page shows about them.

:func:`record_attempt` is the verb (actor first; flushes and audits, never commits). The first
contact of a situation is the earliest attempt whose result is in ``ENGAGED_RESULTS``; it is
recomputed from the attempts every time one is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from coalition.core import audit
from coalition.core.db import utcnow
from coalition.core.errors import ServiceError
from coalition.core.text import clean
from coalition.extensions import db
from coalition.risk.models import (
    ATTEMPT_MODES,
    ATTEMPT_RESULTS,
    ENGAGED_RESULTS,
    OUTREACH_SERVICES,
    POLICE_TEAM_MEMBERS,
    TEAM_MEMBERS,
    OutreachAttempt,
    OutreachService,
    RiskSituation,
    SituationAgency,
)
from coalition.risk.permissions import can_record_outreach

NOTE_MAX = 4000
CONTACT_TARGET_HOURS = 48  # first contact is due within 24–48 hours of acceptance


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    """Whole-and-tenth hours from ``start`` to ``end`` (None when either is missing)."""
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 1)


def is_overdue_for_contact(situation_status: str, accepted_at: datetime | None,
                           first_contact_at: datetime | None, now: datetime) -> bool:
    """Accepted more than 48 hours ago and still no contact: the flag on the page and board."""
    return (situation_status == "accepted" and accepted_at is not None
            and first_contact_at is None
            and now - accepted_at > timedelta(hours=CONTACT_TARGET_HOURS))


# --- checks ---------------------------------------------------------------------------------

def services_from_checks(offered, accepted) -> dict[str, bool]:
    """The form's two checkbox lists as ``{service: accepted}``; accepted implies offered."""
    offered = list(offered or [])
    accepted = list(accepted or [])
    unknown = [code for code in offered + accepted if code not in OUTREACH_SERVICES]
    if unknown:
        raise ServiceError("Choose services from the list.", field="services_offered")
    not_offered = [code for code in accepted if code not in offered]
    if not_offered:
        names = ", ".join(OUTREACH_SERVICES[code].lower() for code in not_offered)
        raise ServiceError(f"A service can only be accepted if it was offered: tick “offered” "
                           f"for {names}, or untick “accepted”.", field="services_accepted")
    return {code: code in accepted for code in OUTREACH_SERVICES if code in offered}


def _attempted_at(situation: RiskSituation, attempted_at, now: datetime) -> datetime:
    if not isinstance(attempted_at, datetime) or attempted_at.tzinfo is None:
        raise ServiceError("Enter the date and time of the attempt.", field="attempted_at")
    if attempted_at > now:
        raise ServiceError("The attempt cannot be in the future.", field="attempted_at")
    accepted_at = situation.accepted_at
    # The form is precise to the minute: an attempt typed in the minute of acceptance is fine.
    if accepted_at is not None and attempted_at < accepted_at.replace(second=0, microsecond=0):
        raise ServiceError("The attempt cannot be before the situation was accepted.",
                           field="attempted_at")
    return attempted_at


def _organization_id(situation: RiskSituation, organization_id) -> int:
    assigned = set(db.session.scalars(select(SituationAgency.organization_id).where(
        SituationAgency.situation_id == situation.id)))
    if organization_id not in assigned:
        raise ServiceError("Choose the lead or an assisting agency of this situation.",
                           field="organization_id")
    return organization_id


def _team(team) -> list[str]:
    codes = list(team or [])
    if any(code not in TEAM_MEMBERS for code in codes):
        raise ServiceError("Choose team members from the list.", field="team")
    if not codes:
        raise ServiceError("Tick who was on the outreach team.", field="team")
    return [code for code in TEAM_MEMBERS if code in codes]  # vocabulary order, no repeats


def _choice(value, vocabulary: dict, field: str, message: str) -> str:
    if value not in vocabulary:
        raise ServiceError(message, field=field)
    return value


def _note(note) -> str:
    return clean(note, field="note", max_length=NOTE_MAX, multiline=True)


# --- the verb -------------------------------------------------------------------------------

def first_contact_at(situation_id: int) -> datetime | None:
    """The earliest attempt on the situation whose result is a contact."""
    return db.session.scalar(select(func.min(OutreachAttempt.attempted_at)).where(
        OutreachAttempt.situation_id == situation_id,
        OutreachAttempt.result.in_(ENGAGED_RESULTS)))


def record_attempt(actor, situation: RiskSituation, *, attempted_at: datetime,
                   organization_id: int, mode: str, team, result: str,
                   services: dict[str, bool], note: str = "",
                   now: datetime | None = None) -> OutreachAttempt:
    """Log one outreach attempt; update the situation's first contact. Flushes, never commits."""
    if situation.status != "accepted":
        raise ServiceError("Outreach is recorded on accepted situations only. Nothing was saved.")
    if not can_record_outreach(actor, situation):
        raise ServiceError("Only the lead and assisting agencies (and the table's managers) "
                           "record outreach on this situation. Nothing was saved.")
    now = now or utcnow()
    attempted_at = _attempted_at(situation, attempted_at, now)
    organization_id = _organization_id(situation, organization_id)
    mode = _choice(mode, ATTEMPT_MODES, "mode", "Choose how the attempt was made.")
    team = _team(team)
    result = _choice(result, ATTEMPT_RESULTS, "result", "Choose the result of the attempt.")
    services = dict(services or {})
    if any(code not in OUTREACH_SERVICES for code in services):
        raise ServiceError("Choose services from the list.", field="services_offered")
    note = _note(note)

    attempt = OutreachAttempt(
        situation=situation, attempted_at=attempted_at, organization_id=organization_id,
        mode=mode, team=",".join(team), police_present=bool(POLICE_TEAM_MEMBERS & set(team)),
        result=result, note=note, recorded_by_id=getattr(actor, "id", None))
    attempt.services = [OutreachService(service=code, accepted=bool(services[code]))
                        for code in OUTREACH_SERVICES if code in services]
    db.session.add(attempt)
    db.session.flush()
    situation.first_contact_at = first_contact_at(situation.id)
    db.session.flush()
    accepted = sum(1 for value in services.values() if value)
    audit.log(actor, "create", attempt, case_table=situation.table, summary=(
        f"outreach attempt on {situation.code}: {ATTEMPT_MODES[mode].lower()}, "
        f"{ATTEMPT_RESULTS[result].lower()}; team {', '.join(team)}; "
        f"{len(services)} service(s) offered, {accepted} accepted"))
    return attempt


# --- what the situation page shows ----------------------------------------------------------

@lru_cache(maxsize=1)
def _attempts_query():
    """Attempts oldest first, with their agency and services, in one statement (built once)."""
    return (select(OutreachAttempt)
            .options(joinedload(OutreachAttempt.organization),
                     joinedload(OutreachAttempt.services))
            .order_by(OutreachAttempt.attempted_at, OutreachAttempt.id))


@dataclass(frozen=True)
class OutreachSummary:
    attempts: list  # OutreachAttempt rows, oldest first, organization and services loaded
    hours_to_first_contact: float | None
    overdue: bool  # accepted more than 48 hours ago, no contact yet
    hours_since_acceptance: float | None


def outreach_summary(situation: RiskSituation, *, now: datetime | None = None) -> OutreachSummary:
    """The attempts of a situation (one query whatever their number) and its contact timing."""
    now = now or utcnow()
    attempts = list(db.session.scalars(_attempts_query().where(
        OutreachAttempt.situation_id == situation.id)).unique())
    return OutreachSummary(
        attempts=attempts,
        hours_to_first_contact=hours_between(situation.accepted_at, situation.first_contact_at),
        overdue=is_overdue_for_contact(situation.status, situation.accepted_at,
                                       situation.first_contact_at, now),
        hours_since_acceptance=(hours_between(situation.accepted_at, now)
                                if situation.status == "accepted" else None))


def assigned_agencies(situation: RiskSituation) -> list[tuple[int, str]]:
    """``(organization id, "name (lead)")`` pairs for the attempt form's agency select."""
    from coalition.roster.models import Organization

    rows = db.session.execute(
        select(Organization.id, Organization.name, SituationAgency.role)
        .join(SituationAgency, SituationAgency.organization_id == Organization.id)
        .where(SituationAgency.situation_id == situation.id)
        .order_by(SituationAgency.role.desc(), Organization.name))  # lead first
    return [(org_id, f"{name} ({'lead' if role == 'lead' else 'assisting'})")
            for org_id, name, role in rows]
