"""The timeline of a case: touchpoints with services before death, in date order with the months
before death, and the missed opportunities marked on them (gap type and why).

Data entry in the meeting is short: a date may be exact, a month ("2026-03") or a year
("2026"); the agency and stage default to the previous entry's; every description is
short and de-identified.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import bindparam, func, select

from coalition.core import audit
from coalition.core.db import valid_id
from coalition.core.errors import ServiceError
from coalition.core.kept import kept
from coalition.core.localtime import local_today
from coalition.core.models import VocabTerm
from coalition.core.text import clean
from coalition.core.vocab import get_term
from coalition.extensions import db
from coalition.ofr.models import DATE_PRECISIONS, FatalityCase, Touchpoint
from coalition.ofr.services.agencies import agency_named
from coalition.roster.models import Organization

DESCRIPTION_MAX = 500
SOURCE_MAX = 200
RATIONALE_MAX = 2000
DAYS_PER_MONTH = 30.44
WHEN_MESSAGE = "Enter a date (2026-03-14), a month (2026-03) or a year (2026)."


def parse_when(text) -> tuple[date, str]:
    """``(first day, precision)`` of a date, a month or a year typed as text."""
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not match:
        raise ServiceError(WHEN_MESSAGE, field="occurred")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if day is not None:
            return date(year, month, day), "day"
        if month is not None:
            return date(year, month, 1), "month"
        return date(year, 1, 1), "year"
    except ValueError as error:
        raise ServiceError(WHEN_MESSAGE, field="occurred") from error


def shown_when(occurred_on: date, precision: str) -> str:
    if precision == "year":
        return f"{occurred_on:%Y}"
    if precision == "month":
        return f"{occurred_on:%b %Y}"
    return occurred_on.isoformat()


def typed_when(occurred_on: date, precision: str) -> str:
    """The date as it is typed: 2026-03-14, 2026-03 or 2026."""
    return {"year": f"{occurred_on:%Y}", "month": f"{occurred_on:%Y-%m}"}.get(
        precision, occurred_on.isoformat())


def _last_day(occurred_on: date, precision: str) -> date:
    if precision == "year":
        return date(occurred_on.year, 12, 31)
    if precision == "month":
        return date(occurred_on.year, occurred_on.month,
                    calendar.monthrange(occurred_on.year, occurred_on.month)[1])
    return occurred_on


def _middle_day(occurred_on: date, precision: str) -> date:
    """Where a vague date is placed: the middle of its month or year."""
    return occurred_on + (_last_day(occurred_on, precision) - occurred_on) / 2


def _check_when(case: FatalityCase, occurred_on: date, precision: str) -> None:
    if occurred_on.year < 1900:
        raise ServiceError("Enter a date after 1900.", field="occurred")
    if occurred_on > local_today():
        raise ServiceError("This date is in the future.", field="occurred")
    death = case.date_of_death
    if death is not None and occurred_on > death:
        raise ServiceError(f"This is after the date of death ({shown_when(death, 'day')}): a "
                           "touchpoint happens before it.", field="occurred")


def _term(vocabulary: str, term_id, field: str, *, required: str | None = None):
    if term_id in (None, ""):
        if required:
            raise ServiceError(required, field=field)
        return None
    term = get_term(vocabulary, term_id)
    if term is None:
        raise ServiceError("Choose from the list.", field=field)
    return term.id


def _values(case: FatalityCase, *, occurred, organization_id=None, other_agency="",
            sector_id=None, type_id=None, stage_id=None, description="", source_record="",
            is_missed_opportunity=False, gap_type_id=None, rationale="",
            is_part2=False) -> dict:
    occurred_on, precision = parse_when(occurred)
    _check_when(case, occurred_on, precision)
    # an agency named (one not in the list) is chosen over the list's (the previous entry's)
    other = agency_named(other_agency, field="other_agency", active_only=False)
    if other is not None:
        organization_id = other
    org = None
    if organization_id not in (None, ""):
        org = db.session.get(Organization, valid_id(organization_id) or 0)
        if org is None:
            raise ServiceError("Choose an agency from the list.", field="organization_id")
    sector = _term("sector", sector_id, "sector_id")
    if sector is None and org is not None:
        sector = org.sector_id
    missed = bool(is_missed_opportunity)
    values = {
        "occurred_on": occurred_on, "precision": precision,
        "organization_id": org.id if org else None, "sector_id": sector,
        "type_id": _term("touchpoint_type", type_id, "type_id",
                         required="Choose the kind of touchpoint."),
        "stage_id": _term("stage", stage_id, "stage_id"),
        "description": clean(description, field="description", max_length=DESCRIPTION_MAX),
        "source_record": clean(source_record, field="source_record", max_length=SOURCE_MAX),
        "is_missed_opportunity": missed,
        "gap_type_id": _term("gap_type", gap_type_id, "gap_type_id",
                             required="Choose the gap type of the missed opportunity.")
        if missed else None,
        "rationale": clean(rationale, field="rationale", max_length=RATIONALE_MAX,
                           multiline=True,
                           required="Say briefly why it was a missed opportunity.")
        if missed else "",
        "is_part2": bool(is_part2),
    }
    return values


def add_touchpoint(actor, case: FatalityCase, **fields) -> Touchpoint:
    touchpoint = Touchpoint(created_by_id=getattr(actor, "id", None), **_values(case, **fields))
    case.touchpoints.append(touchpoint)
    db.session.flush()
    audit.log(actor, "create", touchpoint, case_table=case.table,
              summary=f"touchpoint added to the timeline of case {case.code}"
                      + (" (a missed opportunity)" if touchpoint.is_missed_opportunity else ""))
    return touchpoint


def update_touchpoint(actor, touchpoint: Touchpoint, **fields) -> bool:
    case = touchpoint.case
    values = _values(case, **fields)
    changed = [key for key, value in values.items() if getattr(touchpoint, key) != value]
    if not changed:
        return False
    for key, value in values.items():
        setattr(touchpoint, key, value)
    db.session.flush()
    audit.log(actor, "update", touchpoint, case_table=case.table,
              summary=f"touchpoint {touchpoint.id} of case {case.code}: "
                      f"{', '.join(k.replace('_', ' ') for k in changed)} changed")
    return True


def remove_touchpoint(actor, touchpoint: Touchpoint) -> None:
    case = touchpoint.case
    audit.log(actor, "remove", touchpoint, case_table=case.table,
              summary=f"touchpoint {touchpoint.id} removed from case {case.code}")
    db.session.delete(touchpoint)
    db.session.flush()


@dataclass(frozen=True)
class TimelineRow:
    id: int
    when: str
    months_before: float | None
    approximate: bool  # a month or a year, placed at its middle
    agency: str
    sector: str
    type: str
    stage: str
    description: str
    source_record: str
    missed: bool
    gap_type: str
    rationale: str
    is_part2: bool
    agency_id: int | None = None
    stage_id: int | None = None
    typed: str = ""  # the date as it is typed (2026-03-14, 2026-03 or 2026)
    precision: str = "day"


@cache
def _timeline_statement():
    """The columns a timeline shows of a case's touchpoints (``case_id`` its parameter), with
    the agency's name: built once, read as rows (not entities). The terms' labels are read from
    :func:`_term_labels` (a join to the vocabulary per term made PostgreSQL plan a six-table
    join on each request, which cost more than running it)."""
    return (select(Touchpoint.id, Touchpoint.occurred_on, Touchpoint.precision,
                   Touchpoint.organization_id, Touchpoint.stage_id, Touchpoint.description,
                   Touchpoint.source_record, Touchpoint.is_missed_opportunity,
                   Touchpoint.rationale, Touchpoint.is_part2, Touchpoint.sector_id,
                   Touchpoint.type_id, Touchpoint.gap_type_id,
                   Organization.name.label("agency"))
            .outerjoin(Organization, Organization.id == Touchpoint.organization_id)
            .where(Touchpoint.case_id == bindparam("case_id")))


def _term_labels() -> dict[int, str]:
    """id → label of every vocabulary term (retired ones too: a timeline shows the terms its
    touchpoints were recorded with), kept across requests (vocabulary, not case material)."""
    return kept("ofr.term_labels", (), lambda: dict(db.session.execute(
        select(VocabTerm.id, VocabTerm.label)).all()))


def timeline(case: FatalityCase) -> list[TimelineRow]:
    """The case's touchpoints in date order, each with the months before death; a month or a
    year is placed at its middle (and its months are approximate), read in one query."""
    points = db.session.execute(_timeline_statement(), {"case_id": case.id}).all()
    placed = {point.id: _middle_day(point.occurred_on, point.precision) for point in points}
    points.sort(key=lambda point: (placed[point.id], point.id))
    death = case.date_of_death
    labels = _term_labels() if points else {}
    rows = []
    for point in points:
        before = None
        if death is not None:
            days = (death - min(placed[point.id], death)).days
            before = round(days / DAYS_PER_MONTH, 1)
        rows.append(TimelineRow(
            id=point.id, when=shown_when(point.occurred_on, point.precision),
            months_before=before, approximate=point.precision != "day",
            agency=point.agency or "", sector=labels.get(point.sector_id, ""),
            type=labels.get(point.type_id, ""), stage=labels.get(point.stage_id, ""),
            description=point.description,
            source_record=point.source_record, missed=point.is_missed_opportunity,
            gap_type=labels.get(point.gap_type_id, ""), rationale=point.rationale,
            is_part2=point.is_part2,
            agency_id=point.organization_id, stage_id=point.stage_id,
            typed=typed_when(point.occurred_on, point.precision), precision=point.precision))
    return rows


def touchpoint_count(case: FatalityCase) -> int:
    """How many touchpoints the case's timeline has (counted, not loaded)."""
    return db.session.scalar(select(func.count(Touchpoint.id))
                             .where(Touchpoint.case_id == case.id))


def entry_defaults(case: FatalityCase, rows: list[TimelineRow] | None = None) -> dict:
    """What the next entry starts from: the previous entry's precision, agency and stage (the
    recorder usually goes through one agency's records at a time). Not its sector: left empty,
    the sector follows whichever agency is chosen. ``rows``, the case's timeline when it is
    loaded already, holds the previous entry (the one added last)."""
    if rows is not None:
        last = max(rows, key=lambda row: row.id, default=None)
        if last is None:
            return {}
        return {"occurred": last.typed if last.precision != "day" else "",
                "organization_id": last.agency_id, "stage_id": last.stage_id}
    last = db.session.scalar(select(Touchpoint).where(Touchpoint.case_id == case.id)
                             .order_by(Touchpoint.id.desc()).limit(1))
    if last is None:
        return {}
    return {"occurred": typed_when(last.occurred_on, last.precision)
            if last.precision != "day" else "",
            "organization_id": last.organization_id, "stage_id": last.stage_id}


def timeline_agencies(seated: list[tuple[int, str]], rows: list[TimelineRow]
                      ) -> list[tuple[int, str]]:
    """``(id, name)`` of the agencies the entry form offers, by name: those seated at the table
    (``seated``) and those already on the timeline (``rows``)."""
    agencies = dict(seated)
    agencies.update((row.agency_id, row.agency) for row in rows if row.agency_id is not None)
    return sorted(agencies.items(), key=lambda item: (item[1].strip().casefold(), item[0]))


PRECISION_LABELS = DATE_PRECISIONS
