"""The risk review table's board and its CSV export (the aggregate measures are in
``measures``).

Everything here is de-identified: the board and the export name situations by code only (never
identity, never the summary); the measures are counts and rates. Each function issues a fixed
number of queries however many situations a table holds.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Integer, bindparam, func, select, union_all

from coalition.core import audit
from coalition.core.db import read_rows, utcnow
from coalition.core.localtime import local_today, to_local
from coalition.core.text import csv_cell
from coalition.extensions import db
from coalition.risk.models import (
    OUTCOMES,
    REFERRAL_SOURCES,
    RISK_STATUSES,
    SITUATION_STATUSES,
    RiskSituation,
    SituationAgency,
)
from coalition.risk.services.measures import (  # noqa: F401  (the board's callers use them here)
    dashboard_cards,
    risk_review_tables,
    table_metrics,
)
from coalition.risk.services.outreach import (
    hours_between,
    is_overdue_for_contact,
)
from coalition.roster.models import CoalitionTable, Organization

BOARD_SECTIONS = {
    "new": "New (awaiting the table's decision)",
    "awaiting_contact": "Accepted, awaiting first contact",
    "in_outreach": "In outreach (contact made)",
    "concluded": "Concluded this month",
}
CSV_COLUMNS = ("Code", "Status", "Presented on", "Decided on", "Accepted on",
               "First contact on", "Hours to first contact", "Referral source",
               "Originating agency", "Lead agency", "Assisting agencies", "Concluded on",
               "Risk status", "Outcome")


# --- the board ------------------------------------------------------------------------------

@dataclass(frozen=True)
class BoardRow:
    """One situation on the board: its code and timing, nothing that identifies the person."""

    id: int
    code: str
    status: str
    section: str
    presented_on: date
    decided_on: date | None
    accepted_at: datetime | None
    first_contact_at: datetime | None
    concluded_on: date | None
    referral_source: str
    originating_organization_id: int
    risk_status: str | None
    outcome: str | None
    age_days: int  # days since presented
    hours_since_acceptance: float | None
    hours_to_first_contact: float | None
    overdue: bool  # accepted more than 48 hours ago with no contact

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, "") if self.outcome else ""

    @property
    def status_label(self) -> str:
        return SITUATION_STATUSES[self.status]


def month_start(today: date) -> date:
    return today.replace(day=1)


def _section(status: str, first_contact_at) -> str:
    if status == "new":
        return "new"
    if status == "concluded":
        return "concluded"
    return "in_outreach" if first_contact_at is not None else "awaiting_contact"


_BOARD_COLUMNS = (RiskSituation.id, RiskSituation.code, RiskSituation.status,
                  RiskSituation.presented_on, RiskSituation.decided_on,
                  RiskSituation.accepted_at, RiskSituation.first_contact_at,
                  RiskSituation.concluded_on, RiskSituation.referral_source,
                  RiskSituation.originating_organization_id, RiskSituation.risk_status,
                  RiskSituation.outcome)


def _on_board(table: CoalitionTable, today: date):
    """The table's open situations and those concluded this (local) month."""
    return _on_board_since(table.id, month_start(today))


def _on_board_since(table_id, since):
    return ((RiskSituation.table_id == table_id)
            & (RiskSituation.status.in_(("new", "accepted"))
               | ((RiskSituation.status == "concluded")
                  & (RiskSituation.concluded_on >= since))))


def _board_row(values, today: date, now: datetime) -> BoardRow:
    """A board row from anything with the situation's columns as attributes."""
    status, accepted_at, first_contact_at = (values.status, values.accepted_at,
                                             values.first_contact_at)
    return BoardRow(
        id=values.id, code=values.code, status=status,
        section=_section(status, first_contact_at),
        presented_on=values.presented_on, decided_on=values.decided_on,
        accepted_at=accepted_at, first_contact_at=first_contact_at,
        concluded_on=values.concluded_on, referral_source=values.referral_source,
        originating_organization_id=values.originating_organization_id,
        risk_status=values.risk_status, outcome=values.outcome,
        age_days=(today - values.presented_on).days,
        hours_since_acceptance=(hours_between(accepted_at, now)
                                if status == "accepted" else None),
        hours_to_first_contact=hours_between(accepted_at, first_contact_at),
        overdue=is_overdue_for_contact(status, accepted_at, first_contact_at, now))


def board_rows(table: CoalitionTable, *, today: date | None = None,
               now: datetime | None = None) -> list[BoardRow]:
    """The table's open situations and those concluded this (local) month: one query. All of
    them, by presentation (the CSV export)."""
    today = today or local_today()
    now = now or utcnow()
    stmt = (select(*_BOARD_COLUMNS).where(_on_board(table, today))
            .order_by(RiskSituation.presented_on, RiskSituation.id))
    return [_board_row(values, today, now) for values in db.session.execute(stmt)]


def _in_section(table_id, section: str, since):
    """The situations of one board section (``since`` the month's start), as the
    ``(table_id, status)`` index finds them."""
    clause = {
        "new": RiskSituation.status == "new",
        "awaiting_contact": (RiskSituation.status == "accepted")
        & RiskSituation.first_contact_at.is_(None),
        "in_outreach": (RiskSituation.status == "accepted")
        & RiskSituation.first_contact_at.is_not(None),
        "concluded": (RiskSituation.status == "concluded")
        & (RiskSituation.concluded_on >= since),
    }[section]
    return (RiskSituation.table_id == table_id) & clause


def _most_in_need_first(section: str):
    """Those accepted longest ago without contact first (the overdue ones head their section),
    otherwise those presented longest ago."""
    if section == "awaiting_contact":
        return (RiskSituation.accepted_at, RiskSituation.presented_on, RiskSituation.id)
    return (RiskSituation.presented_on, RiskSituation.id)


@dataclass(frozen=True)
class BoardOverview:
    """The board as shown in the meeting: each section's first rows, most in need first, and
    how many the section holds in all (``counts``)."""

    sections: dict[str, list[BoardRow]]
    counts: dict[str, int]


@cache
def _overview_statement():
    """The overview's statement, built once: only its parameters (``table_id``, ``since`` and
    ``per_section``) change from one request to the next. Each section's first rows carry the
    section's full count: a scalar subquery, run once and from the board index alone (a window
    count read and sorted every row of the section with all its columns: 6 ms on SQLite)."""
    table_id, since = bindparam("table_id"), bindparam("since")
    return union_all(*[
        select(select(*_BOARD_COLUMNS, _section_count(table_id, key, since))
               .where(_in_section(table_id, key, since))
               .order_by(*_most_in_need_first(key))
               .limit(bindparam("per_section", type_=Integer)).subquery())
        for key in BOARD_SECTIONS])


def _section_count(table_id, section: str, since):
    """How many situations one board section holds (whatever the limit on its rows)."""
    return (select(func.count()).select_from(RiskSituation)
            .where(_in_section(table_id, section, since))
            .scalar_subquery().label("section_count"))


def board_overview(table: CoalitionTable, *, per_section: int, today: date | None = None,
                   now: datetime | None = None) -> BoardOverview:
    """The first ``per_section`` rows of every board section, most in need first, with each
    section's full count: one query, however many situations are open."""
    today = today or local_today()
    now = now or utcnow()
    params = {"table_id": table.id, "since": month_start(today), "per_section": per_section}
    counts = dict.fromkeys(BOARD_SECTIONS, 0)
    sections: dict[str, list[BoardRow]] = {key: [] for key in BOARD_SECTIONS}
    for values in read_rows(_overview_statement(), params):
        row = _board_row(values, today, now)
        sections[row.section].append(row)
        counts[row.section] = values.section_count
    return BoardOverview(sections, counts)


def board_section_query(table: CoalitionTable, section: str, *, today: date | None = None):
    """One board section's situations, most in need first (to page through)."""
    today = today or local_today()
    return (select(RiskSituation).where(_in_section(table.id, section, month_start(today)))
            .order_by(*_most_in_need_first(section)))


def board_page_rows(situations, *, today: date | None = None,
                    now: datetime | None = None) -> list[BoardRow]:
    today = today or local_today()
    now = now or utcnow()
    return [_board_row(situation, today, now) for situation in situations]


def board_sections(rows: list[BoardRow]) -> dict[str, list[BoardRow]]:
    """The board's rows grouped in section order (every section present, maybe empty)."""
    sections: dict[str, list[BoardRow]] = {key: [] for key in BOARD_SECTIONS}
    for row in rows:
        sections[row.section].append(row)
    return sections


# --- the CSV export -------------------------------------------------------------------------

def _agency_names(situation_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """``{situation id: {"lead": [...], "assisting": [...]}}`` in one query."""
    names: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"lead": [], "assisting": []})
    if not situation_ids:
        return names
    for situation_id, role, name in db.session.execute(
            select(SituationAgency.situation_id, SituationAgency.role, Organization.name)
            .join(Organization, Organization.id == SituationAgency.organization_id)
            .where(SituationAgency.situation_id.in_(situation_ids))
            .order_by(Organization.name)):
        names[situation_id][role].append(name)
    return names


def _organization_names(ids) -> dict[int, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())


def _local_date(moment: datetime | None) -> str:
    return to_local(moment).date().isoformat() if moment is not None else ""


def board_csv(rows: list[BoardRow]) -> str:
    """The board's situations as CSV text: codes, dates, agencies and outcome; no identity,
    no summary; every cell formula-safe. Two queries whatever the number of rows."""
    agencies = _agency_names([row.id for row in rows])
    origins = _organization_names(row.originating_organization_id for row in rows)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        named = agencies[row.id]
        writer.writerow([csv_cell(cell) for cell in (
            row.code, row.status_label, row.presented_on.isoformat(),
            row.decided_on.isoformat() if row.decided_on else "",
            _local_date(row.accepted_at), _local_date(row.first_contact_at),
            "" if row.hours_to_first_contact is None else row.hours_to_first_contact,
            REFERRAL_SOURCES.get(row.referral_source, row.referral_source),
            origins.get(row.originating_organization_id, ""),
            "; ".join(named["lead"]), "; ".join(named["assisting"]),
            row.concluded_on.isoformat() if row.concluded_on else "",
            RISK_STATUSES.get(row.risk_status, "") if row.risk_status else "",
            row.outcome_label,
        )])
    return out.getvalue()


def log_board_read(actor, table: CoalitionTable, count: int, *, export: bool = False) -> None:
    """Showing or exporting the board is a read of case data: one audit row each."""
    if export:
        audit.log(actor, "export", table, case_table=table,
                  summary=f"risk board CSV of {count} de-identified situation(s)")
    else:
        audit.log_read(actor, "view", table, case_table=table,
                       summary=f"risk board: {count} situation(s) shown by code")
