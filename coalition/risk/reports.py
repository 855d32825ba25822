"""The risk review and outreach report: the context of ``reports/risk/report.html``.

Built for one risk review table and one period (situations presented in it), for the coalition's
members (counts as they are) or for outside readers (suppressed with
:mod:`coalition.core.suppression`). Only primitive values; no situation code, no date finer than
the period, no name but the table's and the sectors'.

Engagement is measured as post-overdose programs report it (e.g. Massachusetts' POST): the
situations reached ÷ the situations accepted for outreach.

Suppression across sections. The situations' path (referral source × not accepted, awaiting
decision, accepted and not reached, accepted and reached) is one table, suppressed with all its
margins; the decisions and the engagement overall and by referral source are printed from its
counts, a sum only when every part of it is shown. The breakdowns of a count printed there
(reached within or after 48 hours; lead agency by sector and conclusions, of the situations
accepted) are suppressed with that count as their total, and hidden entirely when it is.
Attempts (the police comparison) are one more table of their own; services and risk factors
are counts that add up to nothing printed.
"""

from __future__ import annotations

from collections import defaultdict

from markupsafe import Markup
from sqlalchemy import case, distinct, func, select

from coalition.core.models import VocabTerm
from coalition.core.stats import median, wilson
from coalition.core.suppression import (
    Count,
    Policy,
    shown,
    suppress_counts,
    suppress_each,
    suppress_table,
)
from coalition.core.suppression import share as share_of
from coalition.extensions import db
from coalition.reporting import charts
from coalition.reporting.catalog import PUBLIC
from coalition.reporting.frame import frame
from coalition.risk.models import (
    OUTCOMES,
    OUTREACH_SERVICES,
    REFERRAL_SOURCES,
    RISK_STATUSES,
    OutreachAttempt,
    OutreachService,
    RiskSituation,
    SituationAgency,
    situation_risk_factors,
)
from coalition.risk.services import comparison
from coalition.risk.services.comparison import percent
from coalition.risk.services.outreach import CONTACT_TARGET_HOURS
from coalition.roster.models import Organization

KEY = "risk-outreach"
TITLE = "Risk review and outreach report"
TOP_FACTORS = 8
ACCEPTED = ("accepted", "concluded")
STAGES = {"rejected": "Not accepted", "undecided": "Awaiting decision",
          "not_reached": "Not reached yet", "reached": "Reached"}
ACCEPTED_STAGES = (2, 3)
REACHED = 3
NOT_CONCLUDED = "Not concluded yet"
BENCHMARK = ("For comparison: Massachusetts' post-overdose support teams engaged 53.5% of the "
             "5,634 survivors they set out to reach from 2017 to 2021 (directly or through "
             "their social network).")
CONTENTS = [("summary", "Summary"), ("situations", "Situations presented and accepted"),
            ("risk-factors", "Top risk factors"), ("agencies", "Lead and assisting agencies"),
            ("contact", "Time to first contact"), ("conclusions", "Conclusions"),
            ("engagement", "Outreach engagement"),
            ("police", "Teams with and without police"), ("services", "Services provided")]


def _sum(*counts: Count) -> Count:
    """A sum printed only when every part is shown (else it would give a hidden one back)."""
    if any(c.hidden for c in counts):
        return Count(None, "complementary", counts[0].marker)
    return shown(sum(c.value for c in counts))


def _hidden(marker: str) -> Count:
    return Count(None, "complementary", marker)


def _anchored(grid: list[list[int]], total: Count, policy: Policy | None):
    """Cells of a table whose grand total is ``total``, a count printed elsewhere: suppressed
    with its margins (one row: exclusive categories and their total), and entirely hidden when
    ``total`` is (or would have to be)."""
    if policy is None:
        return [[shown(v) for v in row] for row in grid]
    if len(grid) == 1:
        cells, whole = suppress_counts(grid[0], policy)
        cells = [cells]
    else:
        table = suppress_table(grid, policy)
        cells, whole = table.cells, table.total
    if total.hidden or whole.hidden:
        return [[_hidden(policy.marker) for _ in row] for row in grid]
    return cells


def _rate(part: Count, whole: Count, marker: str) -> dict:
    """A proportion with its Wilson interval; the marker when either count is hidden."""
    if part.hidden or whole.hidden:
        return {"rate": None, "rate_text": marker, "interval_text": marker}
    interval = wilson(part.value, whole.value)
    if interval is None:
        return {"rate": None, "rate_text": "—", "interval_text": "—"}
    return {"rate": round(100 * interval.estimate, 1), "rate_text": percent(interval.estimate),
            "interval_text": comparison.interval_text(interval)}


# --- queries (aggregates, one each) ---------------------------------------------------------

def _where(table, period):
    return ((RiskSituation.table_id == table.id) & (RiskSituation.presented_on >= period.start)
            & (RiskSituation.presented_on <= period.end))


def _path(table, period) -> tuple[list[str], list[list[int]], list[float]]:
    """Referral sources × stages (one aggregate query), and the hours from acceptance to first
    contact of every situation reached (for the median: the one query that returns a row per
    situation, two times each)."""
    stage = case((RiskSituation.status == "rejected", "rejected"),
                 (RiskSituation.status == "new", "undecided"),
                 (RiskSituation.first_contact_at.is_not(None), "reached"),
                 else_="not_reached")
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
    for source, name, number in db.session.execute(
            select(RiskSituation.referral_source, stage, func.count(RiskSituation.id))
            .where(_where(table, period)).group_by(RiskSituation.referral_source, stage)):
        counts[source][name] += number
    hours = [(first_contact_at - accepted_at).total_seconds() / 3600
             for accepted_at, first_contact_at in db.session.execute(
                 select(RiskSituation.accepted_at, RiskSituation.first_contact_at)
                 .where(_where(table, period), RiskSituation.status.in_(ACCEPTED),
                        RiskSituation.accepted_at.is_not(None),
                        RiskSituation.first_contact_at.is_not(None)))]
    sources = [code for code in REFERRAL_SOURCES if code in counts]
    return sources, [[counts[code][stage] for stage in STAGES] for code in sources], hours


def _factors(table, period) -> list[tuple[str, int]]:
    number = func.count(distinct(RiskSituation.id))
    return [(label, count) for label, count in db.session.execute(
        select(VocabTerm.label, number)
        .join(situation_risk_factors, situation_risk_factors.c.term_id == VocabTerm.id)
        .join(RiskSituation, RiskSituation.id == situation_risk_factors.c.situation_id)
        .where(_where(table, period), RiskSituation.status.in_(ACCEPTED))
        .group_by(VocabTerm.id, VocabTerm.label, VocabTerm.position)
        .order_by(number.desc(), VocabTerm.position).limit(TOP_FACTORS))]


def _sectors(table, period) -> list[tuple[str, int, int]]:
    """(sector, situations it led, situations it assisted), in the vocabulary's order."""
    rows = db.session.execute(
        select(VocabTerm.label, VocabTerm.position,
               func.count(distinct(case((SituationAgency.role == "lead", RiskSituation.id)))),
               func.count(distinct(case((SituationAgency.role == "assisting",
                                         RiskSituation.id)))))
        .join(Organization, Organization.sector_id == VocabTerm.id)
        .join(SituationAgency, SituationAgency.organization_id == Organization.id)
        .join(RiskSituation, RiskSituation.id == SituationAgency.situation_id)
        .where(_where(table, period), RiskSituation.status.in_(ACCEPTED))
        .group_by(VocabTerm.id, VocabTerm.label, VocabTerm.position)
        .order_by(VocabTerm.position, VocabTerm.label))
    return [(label, lead, assisting) for label, _, lead, assisting in rows]


def _conclusions(table, period) -> dict[tuple[str, str], int]:
    return {(risk, outcome): count for risk, outcome, count in db.session.execute(
        select(RiskSituation.risk_status, RiskSituation.outcome, func.count(RiskSituation.id))
        .where(_where(table, period), RiskSituation.status == "concluded")
        .group_by(RiskSituation.risk_status, RiskSituation.outcome))}


def _services(table, period) -> dict[str, tuple[int, int]]:
    """Per service: situations offered it, and situations that accepted it."""
    return {service: (offered, accepted) for service, offered, accepted in db.session.execute(
        select(OutreachService.service, func.count(distinct(OutreachAttempt.situation_id)),
               func.count(distinct(case((OutreachService.accepted.is_(True),
                                         OutreachAttempt.situation_id)))))
        .join(OutreachAttempt, OutreachAttempt.id == OutreachService.attempt_id)
        .join(RiskSituation, RiskSituation.id == OutreachAttempt.situation_id)
        .where(_where(table, period)).group_by(OutreachService.service))}


# --- the sections ---------------------------------------------------------------------------

def _path_section(sources, grid, policy: Policy | None, marker: str) -> dict:
    if not grid:
        zero = [shown(0) for _ in STAGES]
        cells, row_totals, columns, total = [], [], zero, shown(0)
    elif policy is None:
        cells = [[shown(v) for v in row] for row in grid]
        row_totals = [shown(sum(row)) for row in grid]
        columns = [shown(sum(row[j] for row in grid)) for j in range(len(STAGES))]
        total = shown(sum(map(sum, grid)))
    else:
        table = suppress_table(grid, policy)
        cells, row_totals, columns, total = (table.cells, table.row_totals,
                                             table.column_totals, table.total)
    accepted = _sum(*(columns[j] for j in ACCEPTED_STAGES))
    decided = _sum(accepted, columns[0])
    by_source = []
    for code, row in zip(sources, cells, strict=True):
        targeted = _sum(*(row[j] for j in ACCEPTED_STAGES))
        by_source.append({"label": REFERRAL_SOURCES[code], "accepted": targeted.text,
                          "reached": row[REACHED].text, **_rate(row[REACHED], targeted, marker)})
    return {
        "columns": list(STAGES.values()),
        "rows": [{"label": REFERRAL_SOURCES[code], "cells": [c.text for c in row],
                  "total": t.text} for code, row, t in zip(sources, cells, row_totals,
                                                             strict=True)],
        "totals": [c.text for c in columns], "total": total.text,
        "presented": total, "accepted": accepted, "decided": decided, "rejected": columns[0],
        "undecided": columns[1], "reached": columns[REACHED], "by_source": by_source,
    }


def _factor_section(rows, accepted: Count, policy: Policy | None) -> dict:
    counts = (suppress_each([n for _, n in rows], policy) if policy
              else [shown(n) for _, n in rows])
    listed = [{"label": label, "count": c.text, "value": c.value,
               "share": share_of(c, accepted)} for (label, _), c in zip(rows, counts,
                                                                         strict=True)]
    listed.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0)))  # hidden ones last
    bars = [charts.Bar(r["label"], r["value"], r["count"]) for r in listed]
    return {"rows": listed, "chart": charts.bar_chart(
        "Accepted situations with each risk factor", bars) if bars else Markup("")}


def _agency_section(rows, accepted: Count, accepted_value: int,
                    policy: Policy | None) -> dict:
    """Lead agencies by sector (one per situation: exclusive, with "no lead recorded" they add
    up to the situations accepted) and assisting agencies by sector (several per situation)."""
    leads = [lead for _, lead, _ in rows]
    cells = _anchored([leads + [max(accepted_value - sum(leads), 0)]], accepted, policy)[0]
    assisting = (suppress_each([n for _, _, n in rows], policy) if policy
                 else [shown(n) for _, _, n in rows])
    return {"rows": [{"sector": label, "lead": lead.text, "assisting": helper.text}
                     for (label, _, _), lead, helper in zip(rows, cells[:-1], assisting,
                                                            strict=True)],
            "without_lead": "" if cells[-1].text == "0" else cells[-1].text}


def _conclusion_section(found: dict, accepted: Count, accepted_value: int,
                        policy: Policy | None) -> dict:
    """Outcome × risk status of the concluded situations, with the accepted situations not
    concluded yet as one more row, so that the table adds up to the situations accepted."""
    risks = list(RISK_STATUSES)
    open_count = max(accepted_value - sum(found.values()), 0)
    grid = [[found.get((risk, outcome), 0) for risk in risks] + [0] for outcome in OUTCOMES]
    grid.append([0] * len(risks) + [open_count])
    cells = _anchored(grid, accepted, policy)
    labels = list(OUTCOMES.values()) + [NOT_CONCLUDED]
    columns = [_sum(*(row[j] for row in cells)) for j in range(len(risks))]
    return {"columns": [RISK_STATUSES[r] for r in risks],
            "rows": [{"label": label, "cells": [c.text for c in row[:len(risks)]],
                      "total": _sum(*row[:len(risks)]).text}
                     for label, row in zip(labels[:-1], cells[:-1], strict=True)],
            "totals": [c.text for c in columns], "concluded": _sum(*columns).text,
            "not_concluded": cells[-1][-1].text}


def _service_section(found: dict, policy: Policy | None) -> dict:
    codes = [code for code in OUTREACH_SERVICES if code in found]
    grid = [[found[code][1], found[code][0] - found[code][1]] for code in codes]
    if policy is not None and grid:
        table = suppress_table(grid, policy, column_totals=False, total=False)
        cells, offered = table.cells, table.row_totals
    else:
        cells = [[shown(a), shown(b)] for a, b in grid]
        offered = [shown(a + b) for a, b in grid]
    return {"rows": [{"label": OUTREACH_SERVICES[code], "offered": total.text,
                      "accepted": row[0].text, "declined": row[1].text,
                      "share": share_of(row[0], total)}
                     for code, row, total in zip(codes, cells, offered, strict=True)]}


def _police_chart(police: dict) -> Markup:
    periods = [row["label"] for row in police["trend"]]
    series = [(group["label"], [row["groups"][i]["rate"] for row in police["trend"]])
              for i, group in enumerate(police["groups"])]
    return charts.line_chart("Share of outreach attempts that reached the person, by quarter",
                             periods, series)


# --- the report -----------------------------------------------------------------------------

def build(actor, table, period, audience: str, policy: Policy) -> dict:
    """The report's context (``actor`` may print it: the catalog checked)."""
    public = audience == PUBLIC
    rule = policy if public else None
    marker = policy.marker
    sources, grid, hours = _path(table, period)
    path = _path_section(sources, grid, rule, marker)
    accepted, reached = path["accepted"], path["reached"]
    accepted_value = sum(row[j] for row in grid for j in ACCEPTED_STAGES)
    within = sum(1 for value in hours if value <= CONTACT_TARGET_HOURS)
    split = _anchored([[within, len(hours) - within]], reached, rule)[0]
    middle = median(hours)  # of more than `threshold` situations, or hidden with their count
    median_text = marker if reached.hidden else "—" if middle is None else f"{middle:.1f}"
    quarters = comparison.quarters_between(period.start, period.end)
    police = comparison.police_comparison(
        comparison.quarterly_tallies(table.id, start=period.start, end=period.end), quarters,
        policy=rule)
    police["chart"] = _police_chart(police)
    engagement = {"accepted": accepted.text, "reached": reached.text,
                  **_rate(reached, accepted, marker)}
    context = {
        "report": frame(title=TITLE, kind_label="Risk review table", table_name=table.name,
                        period=period, audience=audience, policy=policy, contents=CONTENTS,
                        notes=[comparison.CAVEAT, BENCHMARK]),
        "presented": path["presented"].text, "accepted": accepted.text,
        "decided": path["decided"].text, "rejected": path["rejected"].text,
        "undecided": path["undecided"].text,
        "accepted_share": share_of(accepted, path["decided"]),
        "path": {key: path[key] for key in ("columns", "rows", "totals", "total")},
        "factors": _factor_section(_factors(table, period), accepted, rule),
        "agencies": _agency_section(_sectors(table, period), accepted, accepted_value, rule),
        "contact": {"reached": reached.text, "median_hours": median_text,
                    "within": split[0].text, "after": split[1].text,
                    "within_share": share_of(split[0], reached),
                    "target_hours": CONTACT_TARGET_HOURS},
        "conclusions": _conclusion_section(_conclusions(table, period), accepted,
                                           accepted_value, rule),
        "engagement": engagement, "by_source": path["by_source"],
        "police": police, "services": _service_section(_services(table, period), rule),
    }
    return context


def preview(context: dict) -> list[tuple[str, str]]:
    police = context["police"]
    with_police, without = police["groups"]
    return [
        ("Situations presented", context["presented"]),
        ("Accepted as acutely elevated risk", context["accepted_share"]),
        ("Median hours to first contact", context["contact"]["median_hours"]),
        ("Engagement (situations reached ÷ accepted)", context["engagement"]["rate_text"]),
        ("Attempts with police that reached the person", with_police["rate_text"]),
        ("Attempts without police that reached the person", without["rate_text"]),
        ("Difference, police − no police (95% interval)",
         f"{police['difference_text']} ({police['difference_interval_text']})"),
    ]
