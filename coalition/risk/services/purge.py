"""The purge of rejected situations (filter 3): a situation the table did not accept keeps only
its date, originating agency and the reason; the rest goes in the decision's own transaction, and
``flask purge-rejected`` finds and purges whatever a rejected situation still holds (a safety
net for rows written around the services). Once committed, SQLite's write-ahead log is folded
and truncated, and deleted text is overwritten (``secure_delete``).
"""

from __future__ import annotations

from sqlalchemy import or_, select

from coalition.core import audit
from coalition.core.db import request_wal_checkpoint
from coalition.extensions import db
from coalition.meetings.models import AgendaItem
from coalition.risk.models import (
    OutreachReferral,
    RiskSituation,
    SituationAgency,
    SituationDiscussion,
    SituationIdentity,
    situation_risk_factors,
)

REJECTED_REFERRAL_REASON = ("The situation made from this report was not accepted; the link to "
                            "it was removed with its details.")


def purge_situation(situation: RiskSituation) -> None:
    """Keep only the date presented, the originating agency, status, decision date and reason.
    Once committed, SQLite's write-ahead log is folded and truncated so the text is gone."""
    request_wal_checkpoint()
    situation.level = situation.age_range = situation.consent_status = None
    situation.gender = situation.language = situation.summary = ""
    situation.protective_factors = ""
    situation.risk_factors = []
    situation.agencies.clear()
    situation.identity = None
    situation.attempts.clear()
    situation.accepted_at = situation.first_contact_at = None
    situation.risk_status = situation.outcome = situation.concluded_on = None
    situation.conclusion_note = ""
    for discussion in situation.discussions:
        discussion.note = ""
    # What was said about it at meetings goes with it (the agenda line keeps only the code).
    for item in db.session.scalars(select(AgendaItem).where(
            AgendaItem.situation_id == situation.id)):
        item.minutes = ""
        item.revisions.clear()
    # The incident report it was made from points at the person: unlink it and close it.
    for referral in db.session.scalars(select(OutreachReferral).where(
            OutreachReferral.situation_id == situation.id)):
        referral.situation_id = None
        referral.status = "dismissed"
        referral.dismissal_reason = REJECTED_REFERRAL_REASON


def _leftover_clause():
    sid = RiskSituation.id
    return or_(
        RiskSituation.level.is_not(None), RiskSituation.age_range.is_not(None),
        RiskSituation.consent_status.is_not(None), RiskSituation.gender != "",
        RiskSituation.language != "", RiskSituation.summary != "",
        RiskSituation.protective_factors != "", RiskSituation.conclusion_note != "",
        select(situation_risk_factors.c.situation_id)
        .where(situation_risk_factors.c.situation_id == sid).exists(),
        select(SituationAgency.id).where(SituationAgency.situation_id == sid).exists(),
        select(SituationIdentity.id).where(SituationIdentity.situation_id == sid).exists(),
        select(SituationDiscussion.id).where(SituationDiscussion.situation_id == sid,
                                             SituationDiscussion.note != "").exists(),
        select(OutreachReferral.id).where(OutreachReferral.situation_id == sid).exists(),
        select(AgendaItem.id).where(AgendaItem.situation_id == sid, AgendaItem.minutes != "")
        .exists(),
    )


def purge_rejected() -> int:
    """Purge what rejected situations still hold beyond the minimal fields (a safety net for
    rows written around the service); returns how many situations were purged. Idempotent."""
    situations = list(db.session.scalars(select(RiskSituation).where(
        RiskSituation.status == "rejected", _leftover_clause())))
    for situation in situations:
        purge_situation(situation)
        audit.log(None, "purge", situation, case_table=situation.table,
                  summary=f"rejected situation {situation.code}: leftover data purged")
    db.session.flush()
    return len(situations)
