"""The risk review table's aggregate measures: counts and rates, never a code or an identity.
Each function issues a fixed number of queries however many situations a table holds."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import case, distinct, func, select

from coalition.core.db import utcnow
from coalition.extensions import db
from coalition.risk.models import (
    ENGAGED_RESULTS,
    OUTCOMES,
    REFERRAL_SOURCES,
    OutreachAttempt,
    RiskSituation,
)
from coalition.risk.services.outreach import CONTACT_TARGET_HOURS
from coalition.roster import seats
from coalition.roster.models import CoalitionTable

DECIDED_STATUSES = ("accepted", "rejected", "concluded")
ACCEPTED_STATUSES = ("accepted", "concluded")


def risk_review_tables(user) -> list[CoalitionTable]:
    """The risk review tables the user's person sits at, by name."""
    return seats.tables_of(user, "risk_review")


def _rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _situation_filter(table_ids, since: date | None):
    clause = RiskSituation.table_id.in_(list(table_ids))
    if since is not None:
        clause = clause & (RiskSituation.presented_on >= since)
    return clause


def _headline(table_ids: list[int], *, since: date | None, now: datetime) -> dict[int, dict]:
    """Presented, % accepted, median hours to first contact and open past 48 hours, per table:
    two queries whatever the number of tables and situations."""
    where = _situation_filter(table_ids, since)
    late = now - timedelta(hours=CONTACT_TARGET_HOURS)
    counts = {table_id: {"presented": 0, "decided": 0, "accepted": 0, "open_past_48h": 0}
              for table_id in table_ids}
    for table_id, presented, decided, accepted, overdue in db.session.execute(
            select(RiskSituation.table_id, func.count(RiskSituation.id),
                   func.count(case((RiskSituation.status.in_(DECIDED_STATUSES), 1))),
                   func.count(case((RiskSituation.status.in_(ACCEPTED_STATUSES), 1))),
                   func.count(case(((RiskSituation.status == "accepted")
                                    & RiskSituation.first_contact_at.is_(None)
                                    & (RiskSituation.accepted_at < late), 1))))
            .where(where).group_by(RiskSituation.table_id)):
        counts[table_id] = {"presented": presented, "decided": decided, "accepted": accepted,
                            "open_past_48h": overdue}
    hours: dict[int, list[float]] = defaultdict(list)
    for table_id, accepted_at, first_contact_at in db.session.execute(
            select(RiskSituation.table_id, RiskSituation.accepted_at,
                   RiskSituation.first_contact_at)
            .where(where, RiskSituation.accepted_at.is_not(None),
                   RiskSituation.first_contact_at.is_not(None))):
        hours[table_id].append((first_contact_at - accepted_at).total_seconds() / 3600)
    return {table_id: dict(
        presented=c["presented"], decided=c["decided"], accepted=c["accepted"],
        accepted_pct=_rate(c["accepted"], c["decided"]),
        median_hours_to_first_contact=_median(hours[table_id]),
        open_past_48h=c["open_past_48h"]) for table_id, c in counts.items()}


def table_metrics(table: CoalitionTable, *, since: date | None = None,
                  now: datetime | None = None) -> dict:
    """The table's aggregate measures (situations presented on or after ``since``, if given).

    - ``presented``, ``decided``, ``accepted``, ``accepted_pct`` (of decided situations);
    - ``median_hours_to_first_contact`` (acceptance → first contact, situations with contact);
    - ``open_past_48h``: accepted more than 48 hours ago, no contact yet;
    - ``outcomes``: concluded situations per outcome (every outcome listed, zeros included);
    - ``engagement``: situations with an engaged attempt ÷ situations with any attempt;
    - ``by_team``: police present vs not, attempts with contact ÷ attempts;
    - ``by_referral_source``: per source, situations engaged ÷ situations with an attempt.

    Aggregates only: no code, no identity. Six queries whatever the data.
    """
    now = now or utcnow()
    metrics = _headline([table.id], since=since, now=now)[table.id]
    where = _situation_filter([table.id], since)

    outcomes = {code: 0 for code in OUTCOMES}
    for outcome, count in db.session.execute(
            select(RiskSituation.outcome, func.count(RiskSituation.id))
            .where(where, RiskSituation.outcome.is_not(None))
            .group_by(RiskSituation.outcome)):
        outcomes[outcome] = count
    metrics["outcomes"] = [{"code": code, "label": OUTCOMES[code], "count": outcomes[code]}
                           for code in OUTCOMES]

    engaged = OutreachAttempt.result.in_(ENGAGED_RESULTS)
    by_source: dict[str, tuple[int, int]] = {}
    for source, reached, contacted in db.session.execute(
            select(RiskSituation.referral_source,
                   func.count(distinct(OutreachAttempt.situation_id)),
                   func.count(distinct(case((engaged, OutreachAttempt.situation_id)))))
            .join(RiskSituation, RiskSituation.id == OutreachAttempt.situation_id)
            .where(where).group_by(RiskSituation.referral_source)):
        by_source[source] = (reached, contacted)
    reached_total = sum(reached for reached, _ in by_source.values())
    engaged_total = sum(contacted for _, contacted in by_source.values())
    metrics["engagement"] = {"situations_with_attempt": reached_total,
                             "situations_engaged": engaged_total,
                             "rate": _rate(engaged_total, reached_total)}
    metrics["by_referral_source"] = [
        {"code": code, "label": label, "situations_with_attempt": by_source[code][0],
         "situations_engaged": by_source[code][1],
         "rate": _rate(by_source[code][1], by_source[code][0])}
        for code, label in REFERRAL_SOURCES.items() if code in by_source]

    by_team = {True: (0, 0), False: (0, 0)}
    for police_present, attempts, contacted in db.session.execute(
            select(OutreachAttempt.police_present, func.count(OutreachAttempt.id),
                   func.count(case((engaged, 1))))
            .join(RiskSituation, RiskSituation.id == OutreachAttempt.situation_id)
            .where(where).group_by(OutreachAttempt.police_present)):
        by_team[bool(police_present)] = (attempts, contacted)
    metrics["by_team"] = [
        {"police_present": flag, "label": label, "attempts": by_team[flag][0],
         "attempts_with_contact": by_team[flag][1],
         "rate": _rate(by_team[flag][1], by_team[flag][0])}
        for flag, label in ((True, "Police on the team"), (False, "No police on the team"))]
    return metrics


def dashboard_cards(user, *, now: datetime | None = None) -> list[dict]:
    """One card per risk review table the user sits at (presented, % accepted, median hours to
    first contact, open past 48 hours): three queries however many tables and situations."""
    tables = risk_review_tables(user)
    if not tables:
        return []
    headline = _headline([table.id for table in tables], since=None, now=now or utcnow())
    return [dict(headline[table.id], table_id=table.id, table_name=table.name)
            for table in tables]


