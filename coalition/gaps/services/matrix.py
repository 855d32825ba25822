"""The continuum-of-care gap matrix: missed opportunities of case timelines counted by stage
(rows) and sector (columns) over a period of deaths, and what one cell holds — the register's
gaps of that stage and sector, and the cases behind its count.

The counts are one grouped query whatever the data size. Excluded cases never count. The period
bounds the case's date of death; a case whose date of death is unknown counts only when no
bound is set. A cell's case codes are shown only to the people seated at the case's fatality
review team (:func:`coalition.ofr.permissions.can_view_case`); everyone else gets the number of
missed opportunities in cases they may not see. A side of a cell left open (:data:`ANY`) makes
it a row's or a column's total, or, both open, every missed opportunity of the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, exists, func, select, true
from sqlalchemy.orm import joinedload

from coalition.core.db import valid_id
from coalition.core.errors import ServiceError
from coalition.core.models import VocabTerm
from coalition.core.vocab import get_term
from coalition.extensions import db
from coalition.gaps.models import Gap, GapSector
from coalition.ofr.models import FatalityCase, Touchpoint
from coalition.ofr.permissions import can_view_case, can_view_ofr_table
from coalition.roster.models import CoalitionTable

NO_STAGE = "Stage not recorded"
NO_SECTOR = "Sector not recorded"
PERIOD_MESSAGE = "The period ends before it starts."

ANY = "any"  # a cell side left open: a row's or a column's total
Key = tuple[int | None, int | None]  # (stage id, sector id); None is "not recorded"
Pick = int | str | None  # a side of a cell: a term id, None ("not recorded") or ANY


@dataclass(frozen=True)
class Axis:
    """A row (stage) or column (sector) of the matrix; ``id`` None is "not recorded"."""

    id: int | None
    label: str


@dataclass
class Matrix:
    date_from: date | None
    date_to: date | None
    stages: list[Axis]
    sectors: list[Axis]
    counts: dict[Key, int] = field(default_factory=dict)
    row_totals: dict[int | None, int] = field(default_factory=dict)
    column_totals: dict[int | None, int] = field(default_factory=dict)
    total: int = 0
    max: int = 0

    def count(self, stage_id: int | None, sector_id: int | None) -> int:
        return self.counts.get((stage_id, sector_id), 0)

    @property
    def period(self) -> str:
        """The period in words: "deaths from 2025-01-01 to 2025-12-31", "all deaths"..."""
        return period_label(self.date_from, self.date_to)


def period_label(date_from: date | None, date_to: date | None) -> str:
    if date_from and date_to:
        return f"deaths from {date_from.isoformat()} to {date_to.isoformat()}"
    if date_from:
        return f"deaths from {date_from.isoformat()} on"
    if date_to:
        return f"deaths up to {date_to.isoformat()}"
    return "all deaths"


def check_period(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ServiceError(PERIOD_MESSAGE, field="date_to")


def _counted(date_from: date | None, date_to: date | None) -> list:
    """The conditions every count shares: missed opportunities of cases not excluded, whose
    death falls in the period (an unknown date of death falls in no bounded period)."""
    conditions = [Touchpoint.is_missed_opportunity.is_(True),
                  FatalityCase.status != "excluded"]
    if date_from is not None:
        conditions.append(FatalityCase.date_of_death >= date_from)
    if date_to is not None:
        conditions.append(FatalityCase.date_of_death <= date_to)
    return conditions


def _is(column, value: Pick):
    if value == ANY:
        return true()
    return column.is_(None) if value is None else column == value


def matrix(date_from: date | None = None, date_to: date | None = None) -> Matrix:
    """Missed opportunities by stage × sector over the period: one grouped query for the
    counts, one for the vocabularies. Rows: every active stage in vocabulary order (and a
    retired stage, or "Stage not recorded", only when it has a count); columns: the sectors
    with at least one missed opportunity in the period (and "Sector not recorded" last)."""
    check_period(date_from, date_to)
    rows = db.session.execute(
        select(Touchpoint.stage_id, Touchpoint.sector_id, func.count(Touchpoint.id))
        .join(FatalityCase, FatalityCase.id == Touchpoint.case_id)
        .where(*_counted(date_from, date_to))
        .group_by(Touchpoint.stage_id, Touchpoint.sector_id))
    counts: dict[Key, int] = {(stage, sector): number for stage, sector, number in rows}
    row_totals: dict[int | None, int] = {}
    column_totals: dict[int | None, int] = {}
    for (stage, sector), number in counts.items():
        row_totals[stage] = row_totals.get(stage, 0) + number
        column_totals[sector] = column_totals.get(sector, 0) + number
    vocabulary = db.session.scalars(
        select(VocabTerm).where(VocabTerm.vocabulary.in_(("stage", "sector")))
        .order_by(VocabTerm.position, VocabTerm.label))
    stages, sectors = [], []
    for term in vocabulary:
        if term.vocabulary == "stage" and (term.is_active or term.id in row_totals):
            stages.append(Axis(term.id, term.label))
        elif term.vocabulary == "sector" and term.id in column_totals:
            sectors.append(Axis(term.id, term.label))
    if None in row_totals:
        stages.append(Axis(None, NO_STAGE))
    if None in column_totals:
        sectors.append(Axis(None, NO_SECTOR))
    return Matrix(date_from=date_from, date_to=date_to, stages=stages, sectors=sectors,
                  counts=counts, row_totals=row_totals, column_totals=column_totals,
                  total=sum(counts.values()), max=max(counts.values(), default=0))


def cell_term(vocabulary: str, raw) -> VocabTerm | None:
    """The stage or sector a cell link names: an active term (``get_term``), or a retired one
    that still labels missed opportunities; None for anything else."""
    term = get_term(vocabulary, raw)
    if term is not None:
        return term
    text = str(raw) if raw is not None else ""
    number = valid_id(int(text)) if text.isascii() and text.isdigit() and len(text) < 12 else None
    term = db.session.get(VocabTerm, number) if number else None
    return term if term is not None and term.vocabulary == vocabulary else None


def cell_gaps(stage_id: Pick, sector_id: Pick) -> list[Gap]:
    """The register's gaps (never merged ones) of this stage and sector — with no stage, or
    no sector, for the "not recorded" row and column; :data:`ANY` leaves that side open — in
    one query."""
    conditions = [Gap.status != "merged", _is(Gap.stage_id, stage_id)]
    if sector_id is None:
        conditions.append(~exists().where(GapSector.gap_id == Gap.id))
    elif sector_id != ANY:
        conditions.append(Gap.id.in_(select(GapSector.gap_id)
                                     .where(GapSector.sector_id == sector_id)))
    return list(db.session.scalars(select(Gap).where(*conditions).order_by(Gap.code)))


@dataclass(frozen=True)
class CellCase:
    id: int
    code: str
    date_of_death: date | None
    missed: int  # missed opportunities of this case in the cell


@dataclass
class CellCases:
    """The cases behind a cell's count. ``query`` selects the cases the viewer may see, most
    recent death first (for the caller to paginate, then :func:`case_rows`); the others are
    only a number of missed opportunities."""

    query: Select
    hidden_missed: int  # missed opportunities in cases of teams the viewer does not sit at
    missed: int  # all missed opportunities of the cell (the matrix's number)
    in_cell: list = field(repr=False, default_factory=list)  # the cell's conditions


def cell_cases(viewer, stage_id: Pick, sector_id: Pick, date_from: date | None = None,
               date_to: date | None = None) -> CellCases:
    """The cases with missed opportunities in one cell (:data:`ANY` for a row's or a column's
    total) that ``viewer`` may see, and how many missed opportunities are in the others: one
    grouped query by team, and the teams (the viewer's right to see a team's cases is
    ``can_view_case``'s: whether they sit at it)."""
    check_period(date_from, date_to)
    in_cell = [*_counted(date_from, date_to), _is(Touchpoint.stage_id, stage_id),
               _is(Touchpoint.sector_id, sector_id)]
    by_team = dict(db.session.execute(
        select(FatalityCase.table_id, func.count(Touchpoint.id))
        .join(FatalityCase, FatalityCase.id == Touchpoint.case_id)
        .where(*in_cell).group_by(FatalityCase.table_id)).all())
    teams = db.session.scalars(select(CoalitionTable)
                               .where(CoalitionTable.id.in_(list(by_team) or [-1])))
    seen = [team.id for team in teams if can_view_ofr_table(viewer, team)]
    cases = (select(Touchpoint.case_id).join(FatalityCase, FatalityCase.id == Touchpoint.case_id)
             .where(*in_cell))
    query = (select(FatalityCase)
             .where(FatalityCase.table_id.in_(seen or [-1]), FatalityCase.id.in_(cases))
             .options(joinedload(FatalityCase.table))
             .order_by(FatalityCase.date_of_death.desc().nulls_last(), FatalityCase.code))
    return CellCases(query=query, missed=sum(by_team.values()),
                     hidden_missed=sum(n for team, n in by_team.items() if team not in seen),
                     in_cell=in_cell)


def case_rows(viewer, cell: CellCases, cases) -> list[CellCase]:
    """A page of ``cell.query``'s cases with their missed opportunities in the cell (one
    query), each checked again with ``can_view_case``."""
    shown = [case for case in cases if can_view_case(viewer, case)]
    missed = dict(db.session.execute(
        select(Touchpoint.case_id, func.count(Touchpoint.id))
        .join(FatalityCase, FatalityCase.id == Touchpoint.case_id)
        .where(*cell.in_cell, Touchpoint.case_id.in_([case.id for case in shown] or [-1]))
        .group_by(Touchpoint.case_id)).all())
    return [CellCase(case.id, case.code, case.date_of_death, missed.get(case.id, 0))
            for case in shown]
