"""The OFR summary report for a fatality review table and a period: the review process, the
deaths in the jurisdiction (who, which substances, in what circumstances), the system
touchpoints and missed opportunities of the cases reviewed, the gaps, and the recommendations
with the status of earlier ones.

For the public every count about people goes through :mod:`coalition.core.suppression`; no
case narrative, no identifier, no date finer than the month. Internal copies (for the table's
members only) show the counts as they are. The context is primitive values only.
"""

from __future__ import annotations

from collections import Counter
from datetime import time, timedelta

from sqlalchemy import func, select

from coalition.core.localtime import combine_local, local_today, to_local
from coalition.core.models import VocabTerm
from coalition.core.suppression import (
    Count,
    Policy,
    SuppressionError,
    share,
    shown,
    suppress_counts,
    suppress_each,
    suppress_one,
    suppress_table,
)
from coalition.core.vocab import terms
from coalition.extensions import db
from coalition.gaps.models import GAP_STATUSES, Gap, GapLink, Recommendation
from coalition.gaps.services.recommendations import is_stalled
from coalition.meetings.models import Meeting
from coalition.ofr.models import (
    ETHNICITIES,
    PLACES,
    RACES,
    SEXES,
    TRISTATE,
    CaseSubstance,
    FatalityCase,
    Touchpoint,
)
from coalition.reporting import catalog, charts
from coalition.reporting.catalog import PUBLIC
from coalition.reporting.frame import frame
from coalition.reporting.periods import Period
from coalition.roster.models import CoalitionTable, Organization, TableMembership
from coalition.roster.seats import tables_of

REVIEWED = ("reviewed", "data_complete", "closed")
AGE_BANDS = (("Under 18", 0, 17), ("18 to 24", 18, 24), ("25 to 34", 25, 34),
             ("35 to 44", 35, 44), ("45 to 54", 45, 54), ("55 to 64", 55, 64),
             ("65 and older", 65, 200))
LOOKBACK_DAYS = 365
CONTENTS = [("process", "The review process"), ("decedents", "Who died"),
            ("substances", "Substances involved"), ("circumstances", "Circumstances of death"),
            ("touchpoints", "Contact with services in the year before death"),
            ("missed", "Missed opportunities by stage and sector"), ("gaps", "Gaps in the system"),
            ("recommendations", "Recommendations"),
            ("results", "Results of earlier recommendations")]


class Counts:
    """Counts printed for one audience: suppressed for the public, as they are otherwise."""

    def __init__(self, policy: Policy, public: bool) -> None:
        self.policy, self.public = policy, public

    def one(self, value: int) -> Count:
        return suppress_one(value, self.policy) if self.public else shown(value)

    def each(self, values: list[int]) -> list[Count]:
        return suppress_each(values, self.policy) if self.public else [shown(v) for v in values]

    def categories(self, values: list[int]) -> tuple[list[Count], Count, bool]:
        """Exclusive categories and their total; the flag is True when the table had to be
        withheld (it could not be protected)."""
        if not self.public:
            return [shown(v) for v in values], shown(sum(values)), False
        try:
            cells, total = suppress_counts(values, self.policy)
            return cells, total, False
        except SuppressionError:
            marker = Count(None, "complementary", self.policy.marker)
            return [marker] * len(values), suppress_one(sum(values), self.policy), True

    @staticmethod
    def share(part: Count, whole: Count) -> str:
        return share(part, whole)


def _distribution(title: str, labels: list[str], values: list[int], counts: Counts,
                  *, keep_zero: bool = True) -> dict:
    """One exclusive breakdown: rows (label, count text, share text), its total and a chart."""
    pairs = [(label, value) for label, value in zip(labels, values, strict=True)
             if keep_zero or value]
    cells, total, withheld = counts.categories([v for _, v in pairs])
    rows = [{"label": label, "count": cell.text, "share": counts.share(cell, total)}
            for (label, _), cell in zip(pairs, cells, strict=True)]
    bars = [charts.Bar(r["label"], cell.value, r["count"])
            for r, cell in zip(rows, cells, strict=True)]
    return {"title": title, "rows": rows, "total": total.text, "withheld": withheld,
            "chart": charts.bar_chart(title, bars) if not withheld else ""}


def _deaths(table: CoalitionTable, period: Period) -> list:
    return list(db.session.execute(
        select(FatalityCase.id, FatalityCase.age, FatalityCase.sex, FatalityCase.race,
               FatalityCase.ethnicity, FatalityCase.place_of_death,
               FatalityCase.bystander_present, FatalityCase.naloxone_administered)
        .where(FatalityCase.table_id == table.id, FatalityCase.status != "excluded",
               FatalityCase.date_of_death >= period.start,
               FatalityCase.date_of_death <= period.end)))


def _reviewed(table: CoalitionTable, period: Period) -> list:
    """Cases whose review meeting fell in the period: (id, date of death)."""
    start, end = _utc_bounds(period)
    return list(db.session.execute(
        select(FatalityCase.id, FatalityCase.date_of_death)
        .join(Meeting, Meeting.id == FatalityCase.selected_meeting_id)
        .where(FatalityCase.table_id == table.id, FatalityCase.status.in_(REVIEWED),
               Meeting.starts_at >= start, Meeting.starts_at < end)))


def _utc_bounds(period: Period):
    return (combine_local(period.start, time(0)), combine_local(period.end_exclusive, time(0)))


def _process(table: CoalitionTable, period: Period, deaths: int, reviewed: int,
             counts: Counts) -> dict:
    start, end = _utc_bounds(period)
    meetings = db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.table_id == table.id, Meeting.status == "closed",
        Meeting.starts_at >= start, Meeting.starts_at < end)) or 0
    by_sector = db.session.execute(
        select(VocabTerm.label, func.count(func.distinct(Organization.id)))
        .select_from(TableMembership)
        .join(Organization, Organization.id == TableMembership.organization_id)
        .join(VocabTerm, VocabTerm.id == Organization.sector_id)
        .where(TableMembership.table_id == table.id)
        .group_by(VocabTerm.label, VocabTerm.position)
        .order_by(VocabTerm.position, VocabTerm.label)).all()
    death_count, reviewed_count = counts.one(deaths), counts.one(reviewed)
    return {
        "deaths": death_count.text, "reviewed": reviewed_count.text,
        "meetings": meetings,
        "agencies": sum(n for _, n in by_sector),
        "sectors": [{"label": label, "count": n} for label, n in by_sector],
    }


def _substances(death_ids: list[int], counts: Counts, whole: Count) -> dict:
    rows = db.session.execute(
        select(VocabTerm.label, func.count(func.distinct(CaseSubstance.case_id)))
        .join(VocabTerm, VocabTerm.id == CaseSubstance.term_id)
        .where(CaseSubstance.case_id.in_(death_ids), CaseSubstance.role == "cause")
        .group_by(VocabTerm.label)
        .order_by(func.count(func.distinct(CaseSubstance.case_id)).desc(), VocabTerm.label)
    ).all() if death_ids else []
    cells = counts.each([n for _, n in rows])
    items = [{"label": label, "count": cell.text, "share": counts.share(cell, whole)}
             for (label, _), cell in zip(rows, cells, strict=True)]
    bars = [charts.Bar(i["label"], cell.value, i["count"]) for i, cell in zip(items, cells,
                                                                              strict=True)]
    return {"rows": items, "chart": charts.bar_chart("Deaths by substance causing death", bars)}


def _touchpoints(reviewed: list, counts: Counts, whole: Count) -> dict:
    """The share of reviewed cases with each type of contact in the year before death."""
    died = {case_id: day for case_id, day in reviewed}
    seen: dict[int, set[int]] = {}
    if died:
        for case_id, type_id, occurred in db.session.execute(
                select(Touchpoint.case_id, Touchpoint.type_id, Touchpoint.occurred_on)
                .where(Touchpoint.case_id.in_(list(died)))):
            day = died[case_id]
            if day is None or day - timedelta(days=LOOKBACK_DAYS) <= occurred <= day:
                seen.setdefault(type_id, set()).add(case_id)
    types = [t for t in terms("touchpoint_type", active_only=False) if t.id in seen]
    types.sort(key=lambda t: (-len(seen[t.id]), t.position, t.label))
    cells = counts.each([len(seen[t.id]) for t in types])
    items = [{"label": t.label, "count": cell.text, "share": counts.share(cell, whole)}
             for t, cell in zip(types, cells, strict=True)]
    bars = [charts.Bar(i["label"], None if cell.hidden or not whole.value
                       else 100 * cell.value / whole.value, i["share"])
            for i, cell in zip(items, cells, strict=True)]
    return {"rows": items,
            "chart": charts.bar_chart("Share of reviewed cases with each contact", bars,
                                      maximum=100)}


def _missed(reviewed_ids: list[int], counts: Counts) -> dict:
    """Missed opportunities by continuum stage (rows) and sector (columns), with totals."""
    pairs = Counter()
    if reviewed_ids:
        pairs.update(db.session.execute(
            select(Touchpoint.stage_id, Touchpoint.sector_id)
            .where(Touchpoint.case_id.in_(reviewed_ids),
                   Touchpoint.is_missed_opportunity.is_(True))).all())
    if not pairs:
        return {"total": counts.one(0).text, "stages": [], "sectors": [], "rows": [],
                "totals": [], "withheld": False, "chart": ""}
    stage_terms = {t.id: t for t in terms("stage", active_only=False)}
    sector_terms = {t.id: t for t in terms("sector", active_only=False)}

    def ordered(ids, known):
        return sorted(ids, key=lambda i: (i is None, known[i].position if i in known else 0,
                                          known[i].label if i in known else ""))

    stage_ids = ordered({s for s, _ in pairs}, stage_terms)
    sector_ids = ordered({s for _, s in pairs}, sector_terms)
    grid = [[pairs.get((s, c), 0) for c in sector_ids] for s in stage_ids]
    withheld = False
    if counts.public:
        try:
            table = suppress_table(grid, counts.policy)
        except SuppressionError:
            withheld, table = True, None
    else:
        table = None
    if table is None:
        hidden = withheld
        cells = [[Count(None) if hidden else shown(v) for v in row] for row in grid]
        row_totals = [counts.one(sum(row)) if hidden else shown(sum(row)) for row in grid]
        col_totals = [counts.one(sum(r[j] for r in grid)) if hidden
                      else shown(sum(r[j] for r in grid)) for j in range(len(sector_ids))]
        total = counts.one(sum(map(sum, grid))) if hidden else shown(sum(map(sum, grid)))
    else:
        cells, row_totals = table.cells, table.row_totals
        col_totals, total = table.column_totals, table.total

    def label(known, term_id):
        return known[term_id].label if term_id in known else "Not recorded"

    stages = [label(stage_terms, s) for s in stage_ids]
    sectors = [label(sector_terms, c) for c in sector_ids]
    return {
        "total": total.text, "withheld": withheld, "stages": stages, "sectors": sectors,
        "rows": [{"stage": stage, "cells": [c.text for c in row], "total": row_total.text}
                 for stage, row, row_total in zip(stages, cells, row_totals, strict=True)],
        "totals": [c.text for c in col_totals],
        "chart": "" if withheld else charts.heat_map(
            "Missed opportunities by continuum stage and sector", stages, sectors,
            [[c.value for c in row] for row in cells], [[c.text for c in row] for row in cells]),
    }


def _gaps(table: CoalitionTable, period: Period, reviewed_ids: list[int], counts: Counts) -> list:
    if not reviewed_ids:
        return []
    rows = db.session.execute(
        select(Gap.id, func.count(func.distinct(Touchpoint.case_id)))
        .join(GapLink, GapLink.gap_id == Gap.id)
        .join(Touchpoint, Touchpoint.id == GapLink.touchpoint_id)
        .where(Touchpoint.case_id.in_(reviewed_ids), Gap.status != "merged")
        .group_by(Gap.id)).all()
    found = {gap.id: gap for gap in db.session.scalars(
        select(Gap).where(Gap.id.in_([gid for gid, _ in rows])))}
    cells = counts.each([n for _, n in rows])
    out = [{"code": found[gid].code, "title": found[gid].title,
            "stage": found[gid].stage.label if found[gid].stage else "",
            "status": GAP_STATUSES[found[gid].status], "cases": cell.text, "n": n}
           for (gid, n), cell in zip(rows, cells, strict=True)]
    out.sort(key=lambda g: (-g.pop("n"), g["code"]))
    return out


def _recommendation_row(rec: Recommendation, today) -> dict:
    return {"code": rec.code, "text": rec.text, "status": rec.status.label,
            "lead": rec.lead_organization.name if rec.lead_organization else "Not set",
            "made": f"{to_local(rec.created_at):%B %Y}",
            "stalled": is_stalled(rec, today),
            "measure": rec.success_measure, "baseline": rec.baseline, "target": rec.target,
            "last_update": f"{rec.last_update_on:%B %Y}"}


def _recommendations(table: CoalitionTable, period: Period, public: bool):
    """(made in the period, made before it): the coalition's and this table's recommendations,
    community-level only for the public."""
    start, end = _utc_bounds(period)
    coalition_tables = select(CoalitionTable.id).where(CoalitionTable.kind == "coalition")
    stmt = (select(Recommendation)
            .where((Recommendation.table_id == table.id)
                   | Recommendation.table_id.in_(coalition_tables))
            .order_by(Recommendation.created_at, Recommendation.id))
    if public:
        stmt = stmt.where(Recommendation.scope == "community")
    today = local_today()
    made, earlier = [], []
    for rec in db.session.scalars(stmt):
        if rec.created_at >= end:
            continue
        (made if rec.created_at >= start else earlier).append(_recommendation_row(rec, today))
    return made, earlier


def build(actor, table: CoalitionTable, period: Period, audience: str, policy: Policy) -> dict:
    public = audience == PUBLIC
    counts = Counts(policy, public)
    deaths = _deaths(table, period)
    reviewed = _reviewed(table, period)
    reviewed_ids = [case_id for case_id, _ in reviewed]
    death_total = counts.one(len(deaths))
    reviewed_total = counts.one(len(reviewed))

    def spread(title, vocabulary: dict, column: int):
        tally = Counter(row[column] for row in deaths)
        labels = list(vocabulary.values())
        return _distribution(title, labels, [tally.get(code, 0) for code in vocabulary], counts)

    ages = Counter()
    for row in deaths:
        band = next((label for label, low, high in AGE_BANDS
                     if row.age is not None and low <= row.age <= high), "Unknown")
        ages[band] += 1
    age_labels = [label for label, _, _ in AGE_BANDS] + ["Unknown"]
    made, earlier = _recommendations(table, period, public)
    notes = [
        "Deaths in the jurisdiction are the overdose deaths the team recorded for the period, by "
        "date of death, without those excluded as out of jurisdiction. Cases reviewed are those "
        "whose review meeting fell in the period.",
        f"Contact with services counts each reviewed case once per type of contact in the "
        f"{LOOKBACK_DAYS} days before death; a case can have several, so shares do not add up to "
        f"100%. Substances count each death once per substance listed as a cause; a death can "
        f"involve several.",
        "Missed opportunities are the points on a case's timeline where the team agreed a "
        "different response might have changed the outcome; they describe systems, not the "
        "fault of any person or agency.",
    ]
    if public:
        notes.append("This public edition contains aggregates only: no names, no case "
                      "narratives, no dates finer than the month, no place finer than the "
                      "county. Case-specific recommendations are not listed.")
    return {
        "report": frame(title="Overdose Fatality Review summary", kind_label="Annual report"
                        if period.label.isdigit() else "Summary report", table_name=table.name,
                        period=period, audience=audience, policy=policy, contents=CONTENTS,
                        notes=notes),
        "process": _process(table, period, len(deaths), len(reviewed), counts),
        "ages": _distribution("Deaths by age", age_labels,
                              [ages.get(label, 0) for label in age_labels], counts),
        "sexes": spread("Deaths by sex", SEXES, 2),
        "races": spread("Deaths by race", RACES, 3),
        "ethnicities": spread("Deaths by ethnicity", ETHNICITIES, 4),
        "death_total": death_total.text,
        "substances": _substances([row.id for row in deaths], counts, death_total),
        "places": spread("Place of death", PLACES, 5),
        "bystanders": spread("A bystander was present", TRISTATE, 6),
        "naloxone": spread("Naloxone was given", TRISTATE, 7),
        "touchpoints": _touchpoints(reviewed, counts, reviewed_total),
        "reviewed_total": reviewed_total.text,
        "missed": _missed(reviewed_ids, counts),
        "gaps": _gaps(table, period, reviewed_ids, counts),
        "recommendations": made,
        "earlier": earlier,
    }


def preview(context: dict) -> list[tuple[str, str]]:
    process = context["process"]
    return [("Deaths in the jurisdiction", process["deaths"]),
            ("Cases reviewed", process["reviewed"]),
            ("Review meetings held", str(process["meetings"])),
            ("Agencies at the table", str(process["agencies"])),
            ("Missed opportunities", context["missed"]["total"]),
            ("Gaps found", str(len(context["gaps"]))),
            ("Recommendations made in the period", str(len(context["recommendations"])))]


def _members_only_internal(user, table: CoalitionTable, audience: str) -> bool:
    """The internal edition (counts not suppressed) goes to the table's members only."""
    return audience == PUBLIC or any(t.id == table.id for t in tables_of(user, "ofr"))


def register() -> None:
    catalog.register(catalog.Report(
        key="ofr-summary", title="Overdose Fatality Review summary",
        summary="For convening agencies and the public: the review process, who died, "
                "substances, circumstances, contact with services before death, missed "
                "opportunities by stage and sector, gaps, recommendations and the results of "
                "earlier ones. The public edition suppresses small counts.",
        table_kinds=frozenset({"ofr"}), template="ofr/summary.html", build=build,
        preview=preview, may_print=_members_only_internal, order=10))
