"""Deaths and cases: the facts (every one may be "unknown"), the substances, the code, the
workflow from identified to closed (or excluded with a reason), and the completeness score.

Every verb takes the acting user, raises :class:`ServiceError` at the form field, writes its
audit row (naming the case by its code, with the table whose need-to-know covers it) and flushes;
the caller commits.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, with_expression

from coalition.core import audit, codes
from coalition.core.concurrency import check_version
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.text import clean
from coalition.core.vocab import get_term
from coalition.extensions import db
from coalition.ofr.models import (
    CASE_STATUSES,
    ETHNICITIES,
    MANNERS,
    NALOXONE_BY,
    PLACES,
    RACES,
    RELEASES,
    SEXES,
    SUBSTANCE_ROLES,
    TRISTATE,
    CaseSubstance,
    FatalityCase,
    Touchpoint,
)
from coalition.ofr.services.agenda import ActionRow, action_rows, actions_column
from coalition.ofr.services.records import RequestRow, request_rows, requests_column
from coalition.ofr.services.selection import answers_column, ensure_criteria, take_off_agenda

CODE_FIELDS = {"sex": SEXES, "race": RACES, "ethnicity": ETHNICITIES, "place_of_death": PLACES,
               "manner": MANNERS, "naloxone_by": NALOXONE_BY, "recent_release": RELEASES}
TRISTATE_FIELDS = ("bystander_present", "naloxone_administered", "housing_instability",
                   "moud_ever", "moud_at_death", "mental_health_diagnosis", "chronic_pain",
                   "veteran", "pregnant_postpartum")
NUMBER_FIELDS = {"age": (0, 120, "an age"), "naloxone_doses": (0, 50, "a number of doses"),
                 "prior_overdoses": (0, 500, "a number of overdoses")}
DATE_FIELDS = ("date_of_death", "last_prior_overdose_on", "released_on")
TEXT_FIELDS = {"county_of_residence": 100, "county_of_death": 100}
FACT_FIELDS = (*DATE_FIELDS, *NUMBER_FIELDS, *CODE_FIELDS, *TRISTATE_FIELDS, *TEXT_FIELDS)
# What the completeness score counts (substances: at least one recorded).
COMPLETENESS_FIELDS = ("date_of_death", "age", "sex", "race", "ethnicity", "county_of_residence",
                       "county_of_death", "place_of_death", "manner", "bystander_present",
                       "naloxone_administered", "prior_overdoses", "recent_release",
                       "housing_instability", "moud_ever", "moud_at_death",
                       "mental_health_diagnosis", "chronic_pain", "veteran")
SUBSTANCE_VOCABULARY = "substance"

# status → the statuses a person may move it to from there (selection and records requests move
# it too, through their own verbs)
TRANSITIONS = {
    "identified": ("awaiting_info", "eligible", "excluded"),
    "awaiting_info": ("identified", "eligible", "excluded"),
    "eligible": ("awaiting_info", "excluded"),
    "selected": ("eligible", "records_requested", "summary_drafted", "excluded"),
    "records_requested": ("summary_drafted", "excluded"),
    "summary_drafted": ("reviewed", "excluded"),
    "reviewed": ("summary_drafted", "data_complete"),
    "data_complete": ("reviewed", "closed"),
    "closed": ("data_complete",),
    "excluded": ("identified",),
}


def county(value) -> str:
    """A county name as people write it: "ALDER COUNTY" and "alder county" are "Alder County"."""
    text = " ".join((value or "").split())
    if text.isupper() or text.islower():
        text = text.title()
    return text


def _code(value, vocabulary: dict, field: str) -> str:
    value = value or "unknown"
    if value not in vocabulary:
        raise ServiceError("Choose from the list (or Unknown).", field=field)
    return value


def _number(value, field: str):
    if value in (None, ""):
        return None
    low, high, noun = NUMBER_FIELDS[field]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ServiceError(f"Enter {noun} from {low} to {high}, or leave it empty if unknown.",
                           field=field)
    return value


def _date(value, field: str):
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise ServiceError("Enter a real date, like 2025-03-31.", field=field)
    if value > local_today():
        raise ServiceError("This date is in the future.", field=field)
    if value.year < 1900:
        raise ServiceError("Enter a date after 1900.", field=field)
    return value


def clean_facts(values: dict) -> dict:
    """Every fact checked; what is missing is unknown. Raises at the first bad field."""
    facts = {}
    for field in DATE_FIELDS:
        facts[field] = _date(values.get(field), field)
    for field in NUMBER_FIELDS:
        facts[field] = _number(values.get(field), field)
    for field, vocabulary in CODE_FIELDS.items():
        facts[field] = _code(values.get(field), vocabulary, field)
    for field in TRISTATE_FIELDS:
        facts[field] = _code(values.get(field), TRISTATE, field)
    for field, limit in TEXT_FIELDS.items():
        facts[field] = county(clean(values.get(field), field=field, max_length=limit))
    death = facts["date_of_death"]
    for field in ("last_prior_overdose_on", "released_on"):
        if death and facts[field] and facts[field] > death:
            raise ServiceError("This date is after the date of death.", field=field)
    if facts["naloxone_administered"] == "no" and facts["naloxone_doses"]:
        raise ServiceError("Naloxone was not administered: leave the doses empty or 0.",
                           field="naloxone_doses")
    if facts["moud_at_death"] == "yes" and facts["moud_ever"] == "no":
        raise ServiceError("MOUD at death means MOUD ever: correct one of the two.",
                           field="moud_ever")
    return facts


def clean_substances(pairs) -> list[tuple[int, str]]:
    """``(term id, role)`` pairs: substances of the vocabulary, each once, cause or present."""
    seen: dict[int, str] = {}
    for term_id, role in pairs or ():
        term = get_term(SUBSTANCE_VOCABULARY, term_id)
        if term is None:
            raise ServiceError("Choose substances from the list.", field="substances")
        if role not in SUBSTANCE_ROLES:
            raise ServiceError("Mark each substance as a cause of death or present.",
                               field="substances")
        seen[term.id] = "cause" if "cause" in (role, seen.get(term.id)) else role
    return list(seen.items())


def set_substances(case: FatalityCase, pairs: list[tuple[int, str]]) -> None:
    wanted = dict(pairs)
    for row in list(case.substances):
        if row.term_id in wanted:
            row.role = wanted.pop(row.term_id)
        else:
            case.substances.remove(row)
    for term_id, role in wanted.items():
        case.substances.append(CaseSubstance(term_id=term_id, role=role))


def code_prefix(year: int) -> str:
    return f"OFR-{year}-"


def insert_with_code(case: FatalityCase) -> None:
    """Give the new case the next code of its year of death (or of this year)."""
    year = (case.date_of_death or local_today()).year
    codes.insert_with_code(case, FatalityCase.code, code_prefix(year), thing="case")


def create_case(actor, table, *, substances=(), **values) -> FatalityCase:
    """Record a death at ``table`` (a fatality review table) as a new, identified case."""
    if table is None or table.kind != "ofr":
        raise ServiceError("Deaths are recorded at a fatality review table.")
    case = FatalityCase(table=table, status="identified",
                        created_by_id=getattr(actor, "id", None), **clean_facts(values))
    pairs = clean_substances(substances)
    insert_with_code(case)
    set_substances(case, pairs)
    ensure_criteria(table)
    db.session.flush()
    audit.log(actor, "create", case, case_table=table, summary=f"case {case.code} recorded")
    return case


def update_case(actor, case: FatalityCase, *, version_id, substances=(), **values) -> bool:
    """Correct a case's facts and substances; returns whether anything changed."""
    check_version(case, version_id, "case")
    facts = clean_facts(values)
    death = facts["date_of_death"]
    later = [t for t in case.touchpoints if death is not None and t.occurred_on > death]
    if later:
        raise ServiceError(f"{len(later)} touchpoint(s) of the timeline are dated after this "
                           "date: correct them first, or check the date of death.",
                           field="date_of_death")
    pairs = clean_substances(substances)
    changed = [field for field, value in facts.items() if getattr(case, field) != value]
    before = sorted((row.term_id, row.role) for row in case.substances)
    if before != sorted(pairs):
        changed.append("substances")
    if not changed:
        return False
    for field, value in facts.items():
        setattr(case, field, value)
    set_substances(case, pairs)
    db.session.flush()
    audit.log(actor, "update", case, case_table=case.table,
              summary=f"case {case.code}: {', '.join(changed)} changed")
    return True


def set_status(actor, case: FatalityCase, status: str, *, reason: str = "") -> None:
    """Move the case along its workflow; excluding needs a reason."""
    if status not in CASE_STATUSES:
        raise ServiceError("Choose a status from the list.", field="status")
    if status not in TRANSITIONS[case.status]:
        raise ServiceError(f"A case that is “{case.status_label.lower()}” cannot become "
                           f"“{CASE_STATUSES[status].lower()}”.", field="status")
    if status == "excluded":
        case.exclusion_reason = clean(reason, field="reason", max_length=1000,
                                      required="Give the reason the case is excluded "
                                               "(e.g. open prosecution, out of jurisdiction).")
    elif case.status == "excluded":
        case.exclusion_reason = ""
    if status in ("identified", "awaiting_info", "eligible", "excluded"):
        if case.selected_meeting_id is not None:
            take_off_agenda(case, case.selected_meeting_id)
        case.selected_meeting_id = None
    before = case.status_label
    case.status = status
    db.session.flush()
    audit.log(actor, "status", case, case_table=case.table,
              summary=f"case {case.code}: {before} → {case.status_label}")


def completeness(case: FatalityCase) -> dict:
    """How many core facts are known (not empty, not "unknown"), as a percentage."""
    known = [field for field in COMPLETENESS_FIELDS
             if getattr(case, field) not in (None, "", "unknown")]
    total = len(COMPLETENESS_FIELDS) + 1
    count = len(known) + (1 if case.substances else 0)
    missing = [field for field in COMPLETENESS_FIELDS if field not in known]
    if not case.substances:
        missing.append("substances")
    return {"known": count, "total": total, "percent": round(100 * count / total),
            "missing": missing}


@cache
def case_page_options() -> tuple:
    """What a case's page shows of its single relations and its substances (a few), how many
    touchpoints its timeline has (counted), its checklist answers, and its records requests and
    action items (:func:`case_page_lists`), loaded with the case (one query). Built once: the
    options (and their subqueries) cost more to build than the query costs to run."""
    touchpoints = (select(func.count(Touchpoint.id)).where(Touchpoint.case_id == FatalityCase.id)
                   .correlate(FatalityCase).scalar_subquery())
    return (joinedload(FatalityCase.table), joinedload(FatalityCase.selected_meeting),
            joinedload(FatalityCase.identity), joinedload(FatalityCase.substances),
            with_expression(FatalityCase.touchpoint_total, touchpoints),
            with_expression(FatalityCase.checklist_answers, answers_column()),
            with_expression(FatalityCase.request_rows, requests_column()),
            with_expression(FatalityCase.action_rows, actions_column()))


@cache
def _case_page_statement():
    """The case (``case_id`` its parameter) with :func:`case_page_options`, refreshing a case
    the session holds already: built once, so SQLAlchemy finds its compiled form without
    walking the options for their key again on every view."""
    return (select(FatalityCase).where(FatalityCase.id == bindparam("case_id"))
            .options(*case_page_options()).execution_options(populate_existing=True))


def case_for_page(case_id: int) -> FatalityCase | None:
    """The case ``case_id`` read with what its page shows (:func:`case_page_options`), even
    when the session holds it already; None when there is no such case."""
    return db.session.execute(_case_page_statement(),
                              {"case_id": case_id}).unique().scalar_one_or_none()


@cache
def _page_lists_statement():
    """The statement of :func:`case_page_lists` for a case loaded without its page's options
    (``case_id`` its parameter), built once."""
    return select(requests_column(), actions_column()).where(
        FatalityCase.id == bindparam("case_id"))


def case_page_lists(case: FatalityCase) -> tuple[list[RequestRow], list[ActionRow]]:
    """The case's records requests and action items as its page lists them: read with the case
    when it was loaded with :func:`case_page_options` (and not changed since), else in one
    query."""
    requests, actions = case.request_rows, case.action_rows
    if requests is None or actions is None:
        requests, actions = db.session.execute(_page_lists_statement(),
                                               {"case_id": case.id}).one()
    return request_rows(requests), action_rows(actions)


def log_case_read(actor, case: FatalityCase) -> None:
    """Opening a case is a read of case data: one audit row per showing."""
    audit.log_read(actor, "view", case, case_table=case.table, summary=f"case {case.code} shown")
