"""Outreach with and without police on the team: the comparison these programs most need.

The unit is the outreach attempt (its team is recorded per attempt); an attempt "reaches" the
person when its result is a contact with the person or their network. For each group: the
share of attempts with contact and its 95% Wilson interval; the difference (police minus no
police) with Newcombe's hybrid score interval; a plain-language caution when the groups are too
small to compare, and a plain reading of the interval otherwise. The same functions serve the
engagement screen (internal: counts as they are) and the printed report (public: the 2 × 2
table suppressed, every rate and interval from a hidden count hidden).

Everything returned is primitive (str, int, float, None, lists and dicts of them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from coalition.core.stats import Interval, newcombe_difference, wilson
from coalition.core.suppression import Count, Policy, shown, suppress_table
from coalition.extensions import db
from coalition.reporting.charts import line_chart
from coalition.risk.models import ENGAGED_RESULTS, OutreachAttempt, RiskSituation

WITH_POLICE = "Police on the team"
WITHOUT_POLICE = "No police on the team"
GROUPS = ((True, WITH_POLICE), (False, WITHOUT_POLICE))
MIN_ATTEMPTS = 30  # per group, before the comparison is worth reading
MIN_EVENTS = 5  # contacts and non-contacts per group (the usual rule for a normal approximation)
CAVEAT = ("Teams with and without police are compared as they happened, not in a trial: they "
          "may have been sent to different situations (for example, police to reports of a "
          "scene, peers to people already known), so a difference is not proof that police "
          "presence caused it. Several attempts on one person are not independent, so the "
          "intervals are somewhat narrower than they should be.")


@dataclass(frozen=True)
class Tally:
    attempts: int
    contacts: int


def _situations(table_id: int, start: date | None, end: date | None):
    clause = RiskSituation.table_id == table_id
    if start is not None:
        clause = clause & (RiskSituation.presented_on >= start)
    if end is not None:
        clause = clause & (RiskSituation.presented_on <= end)
    return clause


def quarterly_tallies(table_id: int, *, start: date | None = None,
                      end: date | None = None) -> dict[tuple[int, int], dict[bool, Tally]]:
    """The same per quarter of the situation's presentation, ``{(year, quarter): {police:
    Tally}}`` for the quarters that have attempts: one aggregate query (grouped by month,
    folded into quarters here)."""
    year = func.extract("year", RiskSituation.presented_on)
    month = func.extract("month", RiskSituation.presented_on)
    folded: dict[tuple[int, int], dict[bool, list[int]]] = defaultdict(
        lambda: {True: [0, 0], False: [0, 0]})
    for y, m, police, attempts, contacts in db.session.execute(
            select(year, month, OutreachAttempt.police_present, func.count(OutreachAttempt.id),
                   func.count(case((OutreachAttempt.result.in_(ENGAGED_RESULTS), 1))))
            .join(RiskSituation, RiskSituation.id == OutreachAttempt.situation_id)
            .where(_situations(table_id, start, end))
            .group_by(year, month, OutreachAttempt.police_present)):
        cell = folded[(int(y), (int(m) - 1) // 3 + 1)][bool(police)]
        cell[0] += attempts
        cell[1] += contacts
    return {key: {flag: Tally(*values) for flag, values in groups.items()}
            for key, groups in sorted(folded.items())}


def quarters_between(start: date, end: date) -> list[tuple[int, int]]:
    """Every (year, quarter) from the one holding ``start`` to the one holding ``end``."""
    year, quarter = start.year, (start.month - 1) // 3 + 1
    out = []
    while (year, quarter) <= (end.year, (end.month - 1) // 3 + 1):
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


# --- formatting -----------------------------------------------------------------------------

def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def points(value: float) -> str:
    """A difference of proportions in percentage points, with a true minus sign."""
    text = f"{100 * value:+.1f}"
    return text.replace("-", "−") if text != "-0.0" else "0.0"


def interval_text(interval: Interval | None) -> str:
    if interval is None:
        return "—"
    return f"{percent(interval.low)} to {percent(interval.high)}"


# --- the comparison -------------------------------------------------------------------------

def _zero() -> dict[bool, Tally]:
    return {True: Tally(0, 0), False: Tally(0, 0)}


def _grid(by_quarter, quarters) -> list[list[int]]:
    """Quarters × (police: contact, no contact; no police: contact, no contact)."""
    rows = []
    for key in quarters:
        groups = by_quarter.get(key) or _zero()
        rows.append([value for flag, _ in GROUPS
                     for value in (groups[flag].contacts,
                                   groups[flag].attempts - groups[flag].contacts)])
    return rows


def _suppressed(grid: list[list[int]], policy: Policy | None):
    """Cells and the four overall counts as :class:`Count`: as they are, or — for the public —
    one table suppressed with the margins printed, so that every number printed (the overall
    comparison included) is a count of that one table or computed from counts it shows. A
    quarter's total over both kinds of team is not printed: one constraint fewer, fewer counts
    hidden to protect others."""
    if policy is None:
        cells = [[shown(v) for v in row] for row in grid]
        columns = [shown(sum(row[j] for row in grid)) for j in range(4)]
        return cells, columns, shown(sum(map(sum, grid)))
    table = suppress_table(grid, policy, row_totals=False)
    return table.cells, table.column_totals, table.total


def _sum(*counts: Count) -> Count:
    """A sum printed only when every part is shown (else the marker: it would give a hidden
    part back)."""
    if any(c.hidden for c in counts):
        return Count(None, "complementary", counts[0].marker)
    return shown(sum(c.value for c in counts))


def _group(label: str, contacts: Count, missed: Count, marker: str) -> dict:
    attempts = _sum(contacts, missed)
    known = not attempts.hidden
    interval = wilson(contacts.value, attempts.value) if known else None
    return {
        "label": label, "attempts": attempts.text, "contacts": contacts.text,
        "no_contact": missed.text, "hidden": not known,
        "rate": None if interval is None else round(100 * interval.estimate, 1),
        "low": None if interval is None else round(100 * interval.low, 1),
        "high": None if interval is None else round(100 * interval.high, 1),
        "rate_text": percent(interval.estimate) if interval else (marker if not known else "—"),
        "interval_text": (interval_text(interval) if interval
                          else (marker if not known else "—")),
        "_interval": interval,
    }


def caution(tallies: dict[bool, Tally], hidden: bool) -> str:
    """Plain words when the groups are too small to compare ("" when they are not)."""
    with_police, without = tallies[True], tallies[False]
    if with_police.attempts == 0 and without.attempts == 0:
        return "There is nothing to compare: no outreach attempt was logged in this period."
    if with_police.attempts == 0 or without.attempts == 0:
        missing = "police" if with_police.attempts == 0 else "no police"
        return (f"There is nothing to compare: no attempt in this period had {missing} on the "
                f"team.")
    if hidden:
        return ("The groups are too small to compare in a report for outside readers: some of "
                "their counts are hidden to protect the people counted.")
    small = any(t.attempts < MIN_ATTEMPTS or t.contacts < MIN_EVENTS
                or t.attempts - t.contacts < MIN_EVENTS for t in (with_police, without))
    if small:
        return (f"The groups are too small to compare: with {with_police.attempts:,} attempts "
                f"with police and {without.attempts:,} without, a difference this size can "
                f"easily be chance. Read the intervals, not the rates, and wait for more "
                f"attempts (at least {MIN_ATTEMPTS} in each group, with at least {MIN_EVENTS} "
                f"contacts and {MIN_EVENTS} attempts without contact).")
    return ""


def reading(difference: Interval | None) -> str:
    """What the interval of the difference says, in plain words."""
    if difference is None:
        return ""
    span = (f"{points(difference.estimate)} percentage points; 95% interval "
            f"{points(difference.low)} to {points(difference.high)}")
    if difference.includes(0.0):
        return (f"The interval of the difference includes zero ({span}): these attempts do not "
                f"show whether having police on the team changes how often people are reached.")
    direction = "more" if difference.estimate > 0 else "less"
    return (f"Attempts with police on the team reached people {direction} often than attempts "
            f"without ({span}).")


def police_comparison(by_quarter: dict[tuple[int, int], dict[bool, Tally]],
                      quarters: list[tuple[int, int]], *, policy: Policy | None = None,
                      trend_quarters: int | None = None) -> dict:
    """The comparison over ``quarters`` (the keys of ``by_quarter`` they do not list are left
    out), and its trend by quarter (the last ``trend_quarters`` of them, if given), as
    primitives. With ``policy``: suppressed for readers outside the coalition."""
    marker = policy.marker if policy else "*"
    cells, columns, total = _suppressed(_grid(by_quarter, quarters), policy)
    groups = [_group(label, columns[2 * i], columns[2 * i + 1], marker)
              for i, (_, label) in enumerate(GROUPS)]
    tallies = {flag: Tally(sum((by_quarter.get(k) or _zero())[flag].attempts for k in quarters),
                           sum((by_quarter.get(k) or _zero())[flag].contacts for k in quarters))
               for flag, _ in GROUPS}
    hidden = any(g["hidden"] for g in groups)
    first, second = groups[0].pop("_interval"), groups[1].pop("_interval")
    difference = None
    if first is not None and second is not None:
        difference = newcombe_difference(tallies[True].contacts, tallies[True].attempts,
                                         tallies[False].contacts, tallies[False].attempts)
    trend = []
    for index, (year, quarter) in enumerate(quarters):
        row_groups = [_group(label, cells[index][2 * i], cells[index][2 * i + 1], marker)
                      for i, (_, label) in enumerate(GROUPS)]
        for group in row_groups:
            group.pop("_interval")
        trend.append({"label": f"Q{quarter} {year}", "groups": row_groups})
    if trend_quarters is not None:
        trend = trend[-trend_quarters:]
    return {
        "groups": groups,
        "total_attempts": total.text,
        "difference": None if difference is None else {
            "estimate": round(100 * difference.estimate, 1),
            "low": round(100 * difference.low, 1), "high": round(100 * difference.high, 1),
            "includes_zero": difference.includes(0.0)},
        "difference_text": (f"{points(difference.estimate)} points" if difference
                            else (marker if hidden else "—")),
        "difference_interval_text": (
            f"{points(difference.low)} to {points(difference.high)} points" if difference
            else (marker if hidden else "—")),
        "caution": caution(tallies, hidden),
        "reading": reading(difference),
        "caveat": CAVEAT,
        "trend": trend,
    }


def since_comparison(table_id: int, *, since: date | None, today: date,
                     trend_quarters: int = 8) -> dict:
    """For the engagement screen (the table's members: counts as they are): the comparison
    over the situations presented since ``since`` (or ever), its trend over the last
    ``trend_quarters`` quarters to today's, and the trend drawn as a line chart."""
    by_quarter = quarterly_tallies(table_id, start=since)
    # from the first quarter with attempts (not from a "since" decades back), to today's
    first = (date(min(by_quarter)[0], 3 * min(by_quarter)[1] - 2, 1) if by_quarter
             else since or today)
    result = police_comparison(by_quarter, quarters_between(min(first, today), today),
                               trend_quarters=trend_quarters)
    result["chart"] = line_chart(
        "Share of outreach attempts that reached the person, by quarter",
        [row["label"] for row in result["trend"]],
        [(label, [row["groups"][i]["rate"] for row in result["trend"]])
         for i, (_, label) in enumerate(GROUPS)])
    return result
