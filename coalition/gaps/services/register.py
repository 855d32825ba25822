"""The gap register: gaps, the missed opportunities linked to them, suggestions of existing gaps
for a new missed opportunity, and merging near-duplicates.

How many cases and missed opportunities showed a gap is always counted from the links
(:func:`gap_counts`), never stored. Every verb takes the acting user, raises
:class:`ServiceError` at the form field, writes its audit row (no case text) and flushes; the
caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from coalition.core import audit, codes
from coalition.core.concurrency import check_version
from coalition.core.errors import ServiceError
from coalition.core.kept import kept
from coalition.core.models import VocabTerm
from coalition.core.text import clean
from coalition.core.vocab import get_term
from coalition.extensions import db
from coalition.gaps.models import GAP_STATUSES, Gap, GapEvent, GapLink, GapSector
from coalition.ofr.models import Touchpoint

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
SUGGESTIONS = 3
CANDIDATES = 500  # the most recent open gaps are weighed against each missed opportunity
# words that say nothing about which gap it is
STOP_WORDS = frozenset("a an and at by for from in into is it no not of on or the to was were "
                       "with without after before".split())
OPEN_STATUSES = ("identified", "recommendation_made", "being_addressed")


def _term(vocabulary: str, term_id, field: str):
    if term_id in (None, ""):
        return None
    term = get_term(vocabulary, term_id)
    if term is None:
        raise ServiceError("Choose from the list.", field=field)
    return term


def _values(*, title, description="", stage_id=None, gap_type_id=None, sector_ids=()) -> dict:
    sectors = []
    for sector_id in dict.fromkeys(sector_ids or ()):
        sectors.append(_term("sector", sector_id, "sector_ids"))
    return {
        "title": clean(title, field="title", max_length=TITLE_MAX,
                       required="Name the gap in a few words."),
        "description": clean(description, field="description", max_length=DESCRIPTION_MAX,
                             multiline=True),
        "stage": _term("stage", stage_id, "stage_id"),
        "gap_type": _term("gap_type", gap_type_id, "gap_type_id"),
        "sectors": sectors,
    }


def _event(actor, gap: Gap, text: str) -> None:
    gap.events.append(GapEvent(user_id=getattr(actor, "id", None), text=text))


def create_gap(actor, **fields) -> Gap:
    values = _values(**fields)
    gap = Gap(status="identified", created_by_id=getattr(actor, "id", None), **values)
    codes.insert_with_code(gap, Gap.code, "GAP-", thing="gap")
    _event(actor, gap, "Recorded.")
    db.session.flush()
    audit.log(actor, "create", gap, summary=f"gap {gap.code} recorded: {gap.title!r}")
    return gap


def update_gap(actor, gap: Gap, *, version_id, status=None, **fields) -> bool:
    """Correct the gap; a new status is logged in its history."""
    check_version(gap, version_id, "gap")
    if gap.status == "merged":
        raise ServiceError(f"This gap was merged into {gap.merged_into.code}; change that one.")
    values = _values(**fields)
    if status not in (None, "") and (status not in GAP_STATUSES or status == "merged"):
        raise ServiceError("Choose a status from the list.", field="status")
    changed = [key for key, value in values.items() if getattr(gap, key) != value]
    if status and status != gap.status:
        _event(actor, gap, f"Status: {gap.status_label} → {GAP_STATUSES[status]}.")
        gap.status = status
        changed.append("status")
    if not changed:
        return False
    for key, value in values.items():
        setattr(gap, key, value)
    db.session.flush()
    audit.log(actor, "update", gap, summary=f"gap {gap.code}: {', '.join(changed)} changed")
    return True


def merge_gaps(actor, gap: Gap, into: Gap | None) -> None:
    """Merge ``gap`` into ``into``: its missed opportunities and recommendations move there,
    its sectors are added there, both histories say so, and ``gap`` stays as a pointer."""
    from coalition.gaps.models import RecommendationGap

    if into is None:
        raise ServiceError("Choose the gap to merge into.", field="into_id")
    if into.id == gap.id:
        raise ServiceError("A gap cannot be merged into itself.", field="into_id")
    if gap.status == "merged" or into.status == "merged":
        raise ServiceError("Merge into a gap of the register (not one already merged).",
                           field="into_id")
    moved = db.session.execute(update(GapLink).where(GapLink.gap_id == gap.id)
                               .values(gap_id=into.id)).rowcount
    both = select(RecommendationGap.recommendation_id).where(RecommendationGap.gap_id == into.id)
    db.session.execute(RecommendationGap.__table__.delete().where(
        RecommendationGap.gap_id == gap.id, RecommendationGap.recommendation_id.in_(both)))
    db.session.execute(update(RecommendationGap).where(RecommendationGap.gap_id == gap.id)
                       .values(gap_id=into.id))
    for sector in gap.sectors:
        if sector not in into.sectors:
            into.sectors.append(sector)
    gap.status = "merged"
    gap.merged_into_id = into.id
    _event(actor, gap, f"Merged into {into.code} ({moved} missed opportunit"
                       f"{'y' if moved == 1 else 'ies'} moved).")
    _event(actor, into, f"{gap.code} ({gap.title}) merged into this gap ({moved} missed "
                        f"opportunit{'y' if moved == 1 else 'ies'} moved).")
    db.session.flush()
    db.session.expire_all()
    audit.log(actor, "merge", gap, summary=f"gap {gap.code} merged into {into.code}")


# --- missed opportunities -------------------------------------------------------------------

def link_missed(actor, touchpoint: Touchpoint, gap: Gap) -> GapLink:
    """Say which gap a missed opportunity showed (replacing an earlier link)."""
    if not touchpoint.is_missed_opportunity:
        raise ServiceError("Only a missed opportunity is linked to a gap.")
    if gap is None or gap.status == "merged":
        raise ServiceError("Choose a gap of the register.", field="gap_id")
    link = db.session.scalar(select(GapLink).where(GapLink.touchpoint_id == touchpoint.id))
    if link is None:
        link = GapLink(touchpoint_id=touchpoint.id)
        db.session.add(link)
    link.gap_id = gap.id
    link.linked_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.log(actor, "link", gap, case_table=touchpoint.case.table,
              summary=f"a missed opportunity of case {touchpoint.case.code} linked to gap "
                      f"{gap.code}")
    return link


def unlink_missed(actor, touchpoint: Touchpoint) -> None:
    link = db.session.scalar(select(GapLink).where(GapLink.touchpoint_id == touchpoint.id))
    if link is None:
        return
    gap = db.session.get(Gap, link.gap_id)
    db.session.delete(link)
    db.session.flush()
    audit.log(actor, "unlink", gap, case_table=touchpoint.case.table,
              summary=f"a missed opportunity of case {touchpoint.case.code} unlinked from gap "
                      f"{gap.code}")


def links_of(touchpoint_ids) -> dict[int, Gap]:
    """touchpoint id → the gap it is linked to (one query)."""
    if not touchpoint_ids:
        return {}
    rows = db.session.execute(select(GapLink.touchpoint_id, Gap).join(Gap)
                              .where(GapLink.touchpoint_id.in_(list(touchpoint_ids))))
    return {touchpoint_id: gap for touchpoint_id, gap in rows}


@cache
def _linked_statement():
    """The statement of :func:`linked_gaps_of`, built once (``points`` its parameter)."""
    return (select(GapLink.touchpoint_id, Gap.id, Gap.code, Gap.title).join(Gap)
            .where(GapLink.touchpoint_id.in_(bindparam("points", expanding=True))))


def linked_gaps_of(touchpoint_ids) -> dict:
    """touchpoint id → the id, code and title of the gap it is linked to (one query, read as
    rows: what a timeline shows beside a missed opportunity, without loading the gaps)."""
    if not touchpoint_ids:
        return {}
    return {row.touchpoint_id: row for row in db.session.execute(
        _linked_statement(), {"points": list(touchpoint_ids)})}


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z]{3,}", (text or "").lower())
            if word not in STOP_WORDS}


@dataclass(frozen=True)
class Suggestion:
    gap: Gap
    reasons: tuple[str, ...]  # "same gap type", "same stage", "same sector", "similar words"


def suggestions(touchpoints) -> dict[int, list[Suggestion]]:
    """For each missed opportunity, the register's open gaps most like it: same gap type, stage
    and sector, and shared words (two queries whatever the number of touchpoints)."""
    missed = [t for t in touchpoints if t.is_missed_opportunity]
    if not missed:
        return {}
    candidates = list(db.session.scalars(
        select(Gap).where(Gap.status.in_(OPEN_STATUSES)).options(selectinload(Gap.sectors))
        .order_by(Gap.id.desc()).limit(CANDIDATES)))
    found = {}
    for point in missed:
        words = _words(f"{point.description} {point.rationale}")
        ranked = []
        for gap in candidates:
            reasons = []
            if point.gap_type_id and gap.gap_type_id == point.gap_type_id:
                reasons.append("same gap type")
            if point.stage_id and gap.stage_id == point.stage_id:
                reasons.append("same stage")
            if point.sector_id and any(s.id == point.sector_id for s in gap.sectors):
                reasons.append("same sector")
            if words & _words(f"{gap.title} {gap.description}"):
                reasons.append("similar words")
            if reasons:
                ranked.append((len(reasons), gap.id, Suggestion(gap, tuple(reasons))))
        ranked.sort(key=lambda r: (-r[0], -r[1]))
        found[point.id] = [suggestion for _, _, suggestion in ranked[:SUGGESTIONS]]
    return found


# --- the register -----------------------------------------------------------------------------

@cache
def _gap_counts_statement():
    """Built once: the ids are an expanding parameter."""
    return (select(GapLink.gap_id, func.count(Touchpoint.case_id.distinct()),
                   func.count(GapLink.id))
            .join(Touchpoint, Touchpoint.id == GapLink.touchpoint_id)
            .where(GapLink.gap_id.in_(bindparam("gap_ids", expanding=True)))
            .group_by(GapLink.gap_id))


def gap_counts(gap_ids) -> dict[int, tuple[int, int]]:
    """gap id → (cases, missed opportunities) that showed it (one query)."""
    if not gap_ids:
        return {}
    rows = db.session.execute(_gap_counts_statement(), {"gap_ids": list(gap_ids)})
    counts = {gap_id: (0, 0) for gap_id in gap_ids}
    counts.update({gap_id: (cases, missed) for gap_id, cases, missed in rows})
    return counts


def _filtered(stmt, *, status: str | None = "open", stage_id=None, sector_id=None,
              gap_type_id=None, text: str = ""):
    stmt = stmt.where(Gap.status != "merged")
    if status in (None, "", "open"):
        stmt = stmt.where(Gap.status.in_(OPEN_STATUSES))
    elif status != "all":
        stmt = stmt.where(Gap.status == status)
    if stage_id:
        stmt = stmt.where(Gap.stage_id == stage_id)
    if gap_type_id:
        stmt = stmt.where(Gap.gap_type_id == gap_type_id)
    if sector_id:
        stmt = stmt.where(Gap.id.in_(select(GapSector.gap_id)
                                     .where(GapSector.sector_id == sector_id)))
    if text:
        pattern = f"%{text.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Gap.title).like(pattern),
                              func.lower(Gap.description).like(pattern)))
    return stmt.order_by(Gap.id.desc())


def gaps_of_recommendation(recommendation_id: int) -> list:
    """The gaps a recommendation came from, by code, as rows (id, code, title, cases): the
    cases counted as :func:`gap_counts` counts them (one query)."""
    return db.session.execute(_gaps_of_recommendation_statement(),
                              {"recommendation_id": recommendation_id}).all()


@cache
def _gaps_of_recommendation_statement():
    from coalition.gaps.models import RecommendationGap

    cases = (select(func.count(Touchpoint.case_id.distinct()))
             .join(GapLink, GapLink.touchpoint_id == Touchpoint.id)
             .where(GapLink.gap_id == Gap.id).correlate(Gap).scalar_subquery())
    return (select(Gap.id, Gap.code, Gap.title, cases.label("cases"))
            .join(RecommendationGap, RecommendationGap.gap_id == Gap.id)
            .where(RecommendationGap.recommendation_id == bindparam("recommendation_id"))
            .order_by(Gap.code))


def gap_query(**filters):
    """The register's gaps matching the filters (merged ones never), newest first."""
    return _filtered(select(Gap), **filters).options(selectinload(Gap.sectors))


@cache
def _list_columns():
    """What the register's list shows of a gap, built once."""
    stage, kind = aliased(VocabTerm), aliased(VocabTerm)
    return (select(Gap.id, Gap.code, Gap.title, Gap.status, stage.label.label("stage"),
                   kind.label.label("gap_type"))
            .outerjoin(stage, stage.id == Gap.stage_id)
            .outerjoin(kind, kind.id == Gap.gap_type_id))


def gap_list_query(**filters):
    """The gaps of :func:`gap_query` as rows of what the register's list shows (id, code,
    title, status, stage and gap type labels), newest first."""
    return _filtered(_list_columns(), **filters)


def gap_rows(rows) -> list[dict]:
    """The list's rows (of :func:`gap_list_query`, further columns ignored) with their status
    label, their sectors' labels in the sectors' order, and the cases and missed opportunities
    that showed each (:func:`gap_counts`): two queries (the sectors, the register's own data,
    kept while the data is unchanged)."""
    ids = tuple(row.id for row in rows)
    sectors = kept("gaps.sector_labels", ids, lambda: _sector_labels(ids))
    counts = gap_counts(list(ids))
    return [{"id": row.id, "code": row.code, "title": row.title, "status": row.status,
             "stage": row.stage, "gap_type": row.gap_type,
             "status_label": GAP_STATUSES[row.status], "sectors": list(sectors[row.id]),
             "cases": counts[row.id][0], "missed": counts[row.id][1]} for row in rows]


def _sector_labels(ids: tuple) -> dict[int, tuple[str, ...]]:
    sectors: dict[int, list[str]] = {gap_id: [] for gap_id in ids}
    if sectors:
        for gap_id, label in db.session.execute(
                select(GapSector.gap_id, VocabTerm.label)
                .join(VocabTerm, VocabTerm.id == GapSector.sector_id)
                .where(GapSector.gap_id.in_(list(sectors)))
                .order_by(VocabTerm.position, VocabTerm.id)):
            sectors[gap_id].append(label)
    return {gap_id: tuple(labels) for gap_id, labels in sectors.items()}


def gap_missed(gap: Gap) -> list[Touchpoint]:
    """The missed opportunities linked to the gap, with their case and its table (for the
    caller to show by the viewer's need-to-know), in one query."""
    return list(db.session.scalars(_gap_missed_statement(), {"gap_id": gap.id}))


@cache
def _gap_missed_statement():
    from coalition.ofr.models import FatalityCase

    return (select(Touchpoint).join(GapLink, GapLink.touchpoint_id == Touchpoint.id)
            .where(GapLink.gap_id == bindparam("gap_id"))
            .options(joinedload(Touchpoint.case).joinedload(FatalityCase.table),
                     joinedload(Touchpoint.organization), joinedload(Touchpoint.sector),
                     joinedload(Touchpoint.stage), joinedload(Touchpoint.gap_type))
            .order_by(Touchpoint.occurred_on, Touchpoint.id))


def missed_counts(points) -> tuple[int, int]:
    """(cases, missed opportunities) of a gap's missed opportunities as :func:`gap_missed`
    reads them (all of them, whoever looks): what :func:`gap_counts` counts, without a query."""
    return len({point.case_id for point in points}), len(points)


def gap_choices() -> tuple[tuple[int, str], ...]:
    """(id, "code — title") of the register's gaps as :func:`gap_query` lists them with status
    "all" (merged ones never, newest first): the register's own words, no case material, kept
    while the data is unchanged."""
    return kept("gaps.gap_choices", (), lambda: tuple(
        (gap_id, f"{code} — {title}")
        for gap_id, code, title in db.session.execute(_gap_choices_statement())))


@cache
def _gap_choices_statement():
    return _filtered(select(Gap.id, Gap.code, Gap.title), status="all")
