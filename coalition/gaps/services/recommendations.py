"""Recommendations: drafted from gaps, cases and a meeting; classified; a lead agency and person,
partners and a success measure; dated status updates; the governing committee's decision; a
work plan of action items whose progress rolls up; flagged stalled after N days without an
update (``RECOMMENDATION_STALLED_DAYS``, 90 by default).

Every verb takes the acting user, raises :class:`ServiceError` at the form field, writes its
audit row and flushes; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from coalition.actions.models import OPEN_STATUSES as OPEN_ACTION_STATUSES
from coalition.actions.models import ActionItem
from coalition.core import audit, codes
from coalition.core.concurrency import check_version
from coalition.core.db import valid_id
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.text import clean
from coalition.core.vocab import get_term, term_by_code
from coalition.extensions import db
from coalition.gaps.models import (
    DECISIONS,
    FINISHED_STATUSES,
    SCOPES,
    STRATEGIES,
    TARGET_LEVELS,
    Gap,
    Recommendation,
    RecommendationCase,
    RecommendationUpdate,
)
from coalition.meetings.models import Meeting
from coalition.ofr.models import FatalityCase
from coalition.roster.models import CoalitionTable, Organization, Person

TEXT_MAX = 4000
SHORT_MAX = 200
NOTE_MAX = 2000
STATUS_VOCABULARY = "recommendation_status"
CASE_SPECIFIC_WARNING = ("A case-specific recommendation changes the handling of one case; "
                         "reviews change the system through community-level ones (in one state, "
                         "27% of 1,512 recommendations concerned only the case reviewed).")


def stalled_days() -> int:
    return int(current_app.config.get("RECOMMENDATION_STALLED_DAYS", 90))


def stalled_before(today: date | None = None) -> date:
    """A recommendation whose last update is before this day is stalled."""
    return (today or local_today()) - timedelta(days=stalled_days())


def is_stalled(recommendation: Recommendation, today: date | None = None) -> bool:
    return (not recommendation.is_finished
            and recommendation.last_update_on < stalled_before(today))


def _code(value, vocabulary: dict, field: str, *, required: str | None = None):
    if value in (None, ""):
        if required:
            raise ServiceError(required, field=field)
        return None
    if value not in vocabulary:
        raise ServiceError("Choose from the list.", field=field)
    return value


def _record(model, record_id, field: str, message: str):
    if record_id in (None, ""):
        return None
    found = db.session.get(model, valid_id(record_id) or 0)
    if found is None:
        raise ServiceError(message, field=field)
    return found


def _values(*, text, scope="community", target_level=None, strategy=None, stage_id=None,
            lead_organization_id=None, lead_person_id=None, partner_ids=(), success_measure="",
            baseline="", target="", gap_ids=(), case_ids=(), source_meeting_id=None) -> dict:
    stage = None
    if stage_id not in (None, ""):
        stage = get_term("stage", stage_id)
        if stage is None:
            raise ServiceError("Choose a stage from the list.", field="stage_id")
    measure = clean(success_measure, field="success_measure", max_length=300)
    target_text = clean(target, field="target", max_length=SHORT_MAX)
    if target_text and not measure:
        raise ServiceError("Say what is measured before giving its target.",
                           field="success_measure")
    lead = _record(Organization, lead_organization_id, "lead_organization_id",
                   "Choose the lead agency from the list.")
    person = _record(Person, lead_person_id, "lead_person_id",
                     "Choose the lead person from the list.")
    partners = [_record(Organization, pid, "partner_ids", "Choose partners from the list.")
                for pid in dict.fromkeys(partner_ids or ())]
    if lead is not None and lead in partners:
        raise ServiceError("The lead agency is not also a partner.", field="partner_ids")
    gaps = [_record(Gap, gid, "gap_ids", "Choose gaps of the register.")
            for gid in dict.fromkeys(gap_ids or ())]
    if any(gap.status == "merged" for gap in gaps):
        raise ServiceError("Choose gaps of the register (not merged ones).", field="gap_ids")
    return {
        "text": clean(text, field="text", max_length=TEXT_MAX, multiline=True,
                      required="Write the recommendation."),
        "scope": _code(scope, SCOPES, "scope", required="Say whether it is community-level or "
                                                        "case-specific."),
        "target_level": _code(target_level, TARGET_LEVELS, "target_level"),
        "strategy": _code(strategy, STRATEGIES, "strategy"),
        "stage": stage, "lead_organization": lead, "lead_person": person,
        "partners": partners, "success_measure": measure,
        "baseline": clean(baseline, field="baseline", max_length=SHORT_MAX),
        "target": target_text, "gaps": gaps,
        "source_meeting": _record(Meeting, source_meeting_id, "source_meeting_id",
                                  "Choose the meeting from the list."),
        "_case_ids": [_case_id(cid) for cid in dict.fromkeys(case_ids or ())],
    }


def _case_id(value) -> int:
    case_id = valid_id(value)
    if case_id is None:
        raise ServiceError("Choose cases from the list.", field="case_ids")
    return case_id


def _set_cases(recommendation: Recommendation, case_ids: list[int]) -> None:
    found = set(db.session.scalars(select(FatalityCase.id).where(FatalityCase.id.in_(case_ids))))
    if len(found) != len(case_ids):
        raise ServiceError("Choose cases from the list.", field="case_ids")
    db.session.execute(RecommendationCase.__table__.delete().where(
        RecommendationCase.recommendation_id == recommendation.id))
    db.session.add_all([RecommendationCase(recommendation_id=recommendation.id, case_id=cid)
                        for cid in case_ids])


def create_recommendation(actor, table: CoalitionTable, **fields) -> Recommendation:
    """Draft a recommendation of ``table`` (status "proposed"); its gaps move on to
    "recommendation made"."""
    if table is None or table.kind not in ("coalition", "ofr"):
        raise ServiceError("Recommendations are made at the coalition or a fatality review "
                           "table.", field="table_id")
    values = _values(**fields)
    case_ids = values.pop("_case_ids")
    today = local_today()
    recommendation = Recommendation(table=table, status=term_by_code(STATUS_VOCABULARY,
                                                                     "proposed"),
                                    last_update_on=today, created_by_id=getattr(actor, "id", None),
                                    **values)
    codes.insert_with_code(recommendation, Recommendation.code, f"REC-{today.year}-",
                           thing="recommendation")
    _set_cases(recommendation, case_ids)
    for gap in recommendation.gaps:
        if gap.status == "identified":
            gap.status = "recommendation_made"
    db.session.flush()
    audit.log(actor, "create", recommendation,
              summary=f"recommendation {recommendation.code} drafted ({recommendation.scope})")
    return recommendation


def update_recommendation(actor, recommendation: Recommendation, *, version_id,
                          **fields) -> bool:
    check_version(recommendation, version_id, "recommendation")
    values = _values(**fields)
    case_ids = values.pop("_case_ids")
    before_cases = sorted(db.session.scalars(select(RecommendationCase.case_id).where(
        RecommendationCase.recommendation_id == recommendation.id)))
    changed = [key for key, value in values.items() if getattr(recommendation, key) != value]
    if sorted(case_ids) != before_cases:
        changed.append("cases")
    if recommendation.decision == "endorsed" and values["lead_organization"] is None:
        raise ServiceError("An endorsed recommendation keeps its lead agency.",
                           field="lead_organization_id")
    if not changed:
        return False
    for key, value in values.items():
        setattr(recommendation, key, value)
    _set_cases(recommendation, case_ids)
    db.session.flush()
    audit.log(actor, "update", recommendation,
              summary=f"recommendation {recommendation.code}: {', '.join(changed)} changed")
    return True


def post_update(actor, recommendation: Recommendation, *, status_id, updated_on=None, note="",
                blockers=None) -> RecommendationUpdate:
    """A dated status update (today by default): the status then, what happened, what blocks
    it. Implemented (or partially) needs a note saying what was done."""
    status = get_term(STATUS_VOCABULARY, status_id)
    if status is None:
        raise ServiceError("Choose a status from the list.", field="status_id")
    today = local_today()
    updated_on = updated_on or today
    if updated_on > today:
        raise ServiceError("An update is dated today or earlier.", field="updated_on")
    if updated_on < recommendation.created_at.date() - timedelta(days=1):
        raise ServiceError("An update cannot be older than the recommendation.",
                           field="updated_on")
    note = clean(note, field="note", max_length=NOTE_MAX, multiline=True)
    if status.code in ("implemented", "partially_implemented", "sustained") and not note:
        raise ServiceError(f"Say what was done to call it “{status.label.lower()}”.",
                           field="note")
    if status.code == "endorsed" and recommendation.decision != "endorsed":
        raise ServiceError("Only the governing committee's decision endorses a "
                           "recommendation.", field="status_id")
    row = RecommendationUpdate(status_id=status.id, updated_on=updated_on, note=note,
                               user_id=getattr(actor, "id", None))
    recommendation.updates.append(row)
    recommendation.status = status
    if blockers is not None:
        recommendation.blockers = clean(blockers, field="blockers", max_length=NOTE_MAX,
                                        multiline=True)
    recommendation.last_update_on = max(recommendation.last_update_on, updated_on)
    _gaps_follow(recommendation)
    db.session.flush()
    audit.log(actor, "status", recommendation,
              summary=f"recommendation {recommendation.code}: {status.label} "
                      f"({updated_on.isoformat()})")
    return row


def _gaps_follow(recommendation: Recommendation) -> None:
    """The gaps a recommendation addresses follow it: being addressed while it is worked on,
    addressed when it is implemented or sustained."""
    code = recommendation.status.code
    for gap in recommendation.gaps:
        if gap.status == "merged":
            continue
        if code in ("implemented", "sustained"):
            gap.status = "addressed"
        elif code in ("endorsed", "in_progress", "partially_implemented") \
                and gap.status in ("identified", "recommendation_made"):
            gap.status = "being_addressed"


def decide(actor, recommendation: Recommendation, *, decision, note="") -> None:
    """The governing committee endorses it (it needs a lead agency), returns it with a note, or
    declines it; the decision is also a dated update of its log."""
    decision = _code(decision, DECISIONS, "decision", required="Choose the decision.")
    note = clean(note, field="decision_note", max_length=NOTE_MAX, multiline=True)
    if decision == "endorsed" and recommendation.lead_organization_id is None:
        raise ServiceError("Name a lead agency before the recommendation is endorsed.",
                           field="decision")
    if decision == "returned" and not note:
        raise ServiceError("Say why it is returned, and what would make it ready.",
                           field="decision_note")
    today = local_today()
    recommendation.decision = decision
    recommendation.decision_note = note
    recommendation.decided_on = today
    recommendation.decided_by_id = getattr(actor, "id", None)
    status_code = {"endorsed": "endorsed", "returned": "proposed", "declined": "declined"}
    status = term_by_code(STATUS_VOCABULARY, status_code[decision])
    recommendation.updates.append(RecommendationUpdate(
        status_id=status.id, updated_on=today, user_id=getattr(actor, "id", None),
        note=f"Governing committee: {DECISIONS[decision].lower()}." + (f" {note}" if note else "")))
    recommendation.status = status
    recommendation.last_update_on = today
    _gaps_follow(recommendation)
    db.session.flush()
    audit.log(actor, "decide", recommendation,
              summary=f"recommendation {recommendation.code}: {DECISIONS[decision]}")


# --- reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    overdue: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.total) if self.total else None


def progress_from(items, today: date | None = None) -> Progress:
    """The progress of a work plan already read (all its action items), as
    :func:`progress_of` counts it."""
    today = today or local_today()
    return Progress(sum(a.status == "done" for a in items),
                    sum(a.status != "cancelled" for a in items),
                    sum(a.status in OPEN_ACTION_STATUSES and a.due_on is not None
                        and a.due_on < today for a in items))


def progress_of(recommendation_ids, today: date | None = None) -> dict[int, Progress]:
    """recommendation id → its work plan's progress (one query)."""
    today = today or local_today()
    result = {rid: Progress(0, 0, 0) for rid in recommendation_ids}
    if not recommendation_ids:
        return result
    rows = db.session.execute(
        select(ActionItem.source_recommendation_id,
               func.count(case((ActionItem.status == "done", 1))),
               func.count(case((ActionItem.status != "cancelled", 1))),
               func.count(case((ActionItem.status.in_(OPEN_ACTION_STATUSES)
                                & (ActionItem.due_on < today), 1))))
        .where(ActionItem.source_recommendation_id.in_(list(recommendation_ids)))
        .group_by(ActionItem.source_recommendation_id))
    result.update({rid: Progress(done, total, overdue) for rid, done, total, overdue in rows})
    return result


def recommendation_query(*, status_code: str | None = None, lead_organization_id=None,
                         lead_name: str = "", stalled_only: bool = False,
                         finished: bool | None = None, today: date | None = None):
    """The committee's list: stalled first, then by last update (oldest first). ``lead_name``
    keeps those whose lead agency's name contains it (case-insensitive)."""
    return _recommendation_query(stalled_before(today), status_code, lead_organization_id,
                                 lead_name, stalled_only, finished)


@lru_cache(maxsize=128)
def _recommendation_query(cutoff: date, status_code, lead_organization_id, lead_name: str,
                          stalled_only: bool, finished):
    """The statement of :func:`recommendation_query`, built once per set of filters and
    cutoff (statements are immutable; building one costs more than running it)."""
    from coalition.core.models import VocabTerm

    finished_clause = VocabTerm.code.in_(FINISHED_STATUSES)
    stalled = case(((~finished_clause) & (Recommendation.last_update_on < cutoff), 0), else_=1)
    stmt = select(Recommendation).join(VocabTerm, VocabTerm.id == Recommendation.status_id)
    if status_code:
        stmt = stmt.where(VocabTerm.code == status_code)
    if finished is not None:
        stmt = stmt.where(finished_clause if finished else ~finished_clause)
    if lead_organization_id:
        stmt = stmt.where(Recommendation.lead_organization_id == lead_organization_id)
    if lead_name.strip():
        stmt = stmt.where(Recommendation.lead_organization_id.in_(
            select(Organization.id).where(Organization.name_key.contains(
                lead_name.strip().casefold(), autoescape=True))))
    if stalled_only:
        stmt = stmt.where(~finished_clause, Recommendation.last_update_on < cutoff)
    return stmt.order_by(stalled, Recommendation.last_update_on, Recommendation.id)


def recommendation_rows_query(*, status_code: str | None = None, lead_organization_id=None,
                              lead_name: str = "", stalled_only: bool = False,
                              finished: bool | None = None, today: date | None = None):
    """The recommendations of :func:`recommendation_query` (the same filters and order) as rows
    of what the committee's list shows: id, code, text, scope, blockers, decision, created_at,
    last_update_on, status_label, is_finished and lead_name (None without a lead agency)."""
    return _recommendation_rows_query(stalled_before(today), status_code, lead_organization_id,
                                      lead_name, stalled_only, finished)


@lru_cache(maxsize=128)
def _recommendation_rows_query(cutoff: date, *filters):
    from coalition.core.models import VocabTerm

    lead = aliased(Organization)  # the lead-name filter's subquery reads organizations itself
    return (_recommendation_query(cutoff, *filters).with_only_columns(
        Recommendation.id, Recommendation.code, Recommendation.text, Recommendation.scope,
        Recommendation.blockers, Recommendation.decision, Recommendation.created_at,
        Recommendation.last_update_on, VocabTerm.label.label("status_label"),
        case((VocabTerm.code.in_(FINISHED_STATUSES), True), else_=False).label("is_finished"),
        lead.name.label("lead_name"))
        .outerjoin(lead, lead.id == Recommendation.lead_organization_id))


def status_rows() -> list[tuple[str, str, int, bool]]:
    """(code, label, count, is_active) per status of the vocabulary, in its order (one query):
    the counts, and the active ones are the choices of a status filter."""
    from coalition.core.models import VocabTerm

    rows = db.session.execute(
        select(VocabTerm.code, VocabTerm.label, func.count(Recommendation.id),
               VocabTerm.is_active)
        .outerjoin(Recommendation, Recommendation.status_id == VocabTerm.id)
        .where(VocabTerm.vocabulary == STATUS_VOCABULARY)
        .group_by(VocabTerm.id, VocabTerm.code, VocabTerm.label, VocabTerm.position,
                  VocabTerm.is_active)
        .order_by(VocabTerm.position, VocabTerm.label))
    return [(code, label, count, bool(active)) for code, label, count, active in rows]


def status_counts() -> list[tuple[str, str, int]]:
    """(code, label, count) per status of the vocabulary, in its order (one query)."""
    return [(code, label, count) for code, label, count, _ in status_rows()]
