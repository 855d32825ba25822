"""The confidential meeting packet of a fatality review meeting: a plain dict of primitive values
for ``reports/packet/packet.html``.

It holds the agenda (every item, case items included), a de-identified summary of each case on
the agenda with its draft timeline and the gaps its missed opportunities showed, and the status
table of the recommendations the meeting follows up; every page carries the recipient's name and
the copy number. The caller has checked that the viewer may see the meeting's case items
(seated at the table, attested for this meeting) and numbered the copy.

What a case summary shows — chosen for a packet read by attested members in the room and
collected at the end, following the product's privacy rules and HIPAA Safe Harbor where it does
not defeat the review:

- never a direct identifier: the case is named by its code; the encrypted identity (name, date
  of birth, medical examiner's case number, address, cause narrative) is never read, and the
  timeline's "source record" (where a record number may be typed) is left out;
- the date of death as a month and year, the age top-coded at 90, geography no finer than the
  county;
- the timeline's dates as the team recorded them (exact, month or year) with the months before
  death: the sequence and the intervals are what the review is about;
- what comes from 42 CFR Part 2 records is marked, and the packet then carries the
  re-disclosure notice.
"""

from __future__ import annotations

import base64

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import selectinload

from coalition.core.db import utcnow
from coalition.core.localtime import format_local, local_today, to_local
from coalition.core.models import VocabTerm
from coalition.extensions import db
from coalition.gaps.models import (
    FINISHED_STATUSES,
    Gap,
    Recommendation,
    RecommendationCase,
    RecommendationGap,
)
from coalition.gaps.services.recommendations import (
    is_stalled,
    progress_of,
    recommendation_query,
    stalled_days,
)
from coalition.gaps.services.register import links_of
from coalition.meetings.models import AgendaItem, Meeting
from coalition.meetings.reports import agenda_context
from coalition.ofr.models import (
    CASE_STATUSES,
    ETHNICITIES,
    MANNERS,
    NALOXONE_BY,
    PLACES,
    RACES,
    RELEASES,
    SEXES,
    TRISTATE,
    FatalityCase,
)
from coalition.ofr.permissions import can_view_case
from coalition.ofr.services.timeline import timeline
from coalition.ofr.timeline_svg import stage_legend, timeline_svg

PACKET_TABLE_KINDS = ("ofr",)
DOCUMENT = "Confidential meeting packet"
TOP_CODED_AGE = 90
TEXT_CUT = 400
PART2_NOTICE = (
    "This information has been disclosed to you from records protected by federal "
    "confidentiality rules (42 CFR part 2). The federal rules prohibit you from making any further "
    "disclosure of information in this record that identifies a patient as having or having had a "
    "substance use disorder either directly, by reference to publicly available information, or "
    "through verification of such identification by another person unless further disclosure is "
    "expressly permitted by the written consent of the individual whose information is being "
    "disclosed or as otherwise permitted by 42 CFR part 2. A general authorization for the release "
    "of medical or other information is NOT sufficient for this purpose (see §2.31). The federal "
    "rules restrict any use of the information to investigate or prosecute with regard to a crime "
    "any patient with a substance use disorder, except as provided at §§2.12(c)(5) and 2.65.")
CIRCUMSTANCES = (("bystander_present", "Bystander present"),
                 ("naloxone_administered", "Naloxone administered"),
                 ("housing_instability", "Housing instability"),
                 ("moud_ever", "Ever on MOUD"), ("moud_at_death", "On MOUD at death"),
                 ("mental_health_diagnosis", "Mental health diagnosis"),
                 ("chronic_pain", "Chronic pain"), ("veteran", "Veteran"),
                 ("pregnant_postpartum", "Pregnant or postpartum"))


def has_packet(meeting: Meeting) -> bool:
    """Whether the meeting's table prints a packet (fatality review tables)."""
    return meeting is not None and meeting.table.kind in PACKET_TABLE_KINDS


def packet_mark(copy_number: int, recipient_name: str) -> str:
    return (f"CONFIDENTIAL — copy {copy_number} for {recipient_name} — return at the end of the "
            "meeting")


def _cut(text: str, limit: int = TEXT_CUT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _age(age: int | None) -> str:
    if age is None:
        return "Unknown"
    return f"{TOP_CODED_AGE} or older" if age >= TOP_CODED_AGE else str(age)


def _month(day) -> str:
    return f"{day:%B %Y}" if day is not None else "Unknown"


def _before_death(day, death) -> str:
    """A date of the case's facts as its distance to the death (the month when there is none)."""
    if day is None:
        return ""
    if death is None or day > death:
        return _month(day)
    days = (death - day).days
    return f"{days} day{'' if days == 1 else 's'} before death"


# --- the cases --------------------------------------------------------------------------------

def agenda_cases(meeting: Meeting, viewer) -> list[FatalityCase]:
    """The cases that are case items of the agenda, in agenda order, that the viewer may see
    (cases of the meeting's own table only)."""
    case_ids = list(dict.fromkeys(db.session.scalars(
        select(AgendaItem.fatality_case_id)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.item_type == "case",
               AgendaItem.fatality_case_id.is_not(None))
        .order_by(AgendaItem.position, AgendaItem.id))))
    if not case_ids:
        return []
    found = {case.id: case for case in db.session.scalars(
        select(FatalityCase).where(FatalityCase.id.in_(case_ids),
                                   FatalityCase.table_id == meeting.table_id)
        .options(selectinload(FatalityCase.substances), selectinload(FatalityCase.requests)))}
    return [found[cid] for cid in case_ids
            if cid in found and can_view_case(viewer, found[cid])]


def _request_state(request, today) -> str:
    if request.nothing_found:
        return "nothing found"
    if request.received_on is not None:
        return "received"
    return "overdue" if request.is_overdue(today) else f"due {request.due_on:%b %-d}"


def _timeline_image(rows, code: str, death: str) -> str:
    """The drawn timeline as a ``data:`` URI (the packet holds several, each with its own ids)."""
    svg = timeline_svg(rows, code=code, death=death)
    if not svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode()


def _case_summary(case: FatalityCase, rows, gaps_by_point: dict, today) -> dict:
    death = case.date_of_death
    death_month = _month(death) if death else ""
    missed = [row for row in rows if row.missed]
    gaps = {}
    for row in missed:
        gap = gaps_by_point.get(row.id)
        if gap is not None:
            gaps.setdefault(gap.id, {"id": gap.id, "code": gap.code, "title": gap.title,
                                     "stage": gap.stage.label if gap.stage else "",
                                     "status": gap.status_label, "missed": 0})
            gaps[gap.id]["missed"] += 1
    naloxone = TRISTATE[case.naloxone_administered]
    if case.naloxone_administered == "yes":
        details = [f"by {NALOXONE_BY[case.naloxone_by].lower()}"
                   if case.naloxone_by != "unknown" else "",
                   f"{case.naloxone_doses} dose{'' if case.naloxone_doses == 1 else 's'}"
                   if case.naloxone_doses else ""]
        if any(details):
            naloxone += f" ({', '.join(d for d in details if d)})"
    release = RELEASES[case.recent_release]
    if case.released_on is not None:
        release += f", {_before_death(case.released_on, death)}"
    prior = "Unknown" if case.prior_overdoses is None else str(case.prior_overdoses)
    if case.last_prior_overdose_on is not None:
        prior += f" (last {_before_death(case.last_prior_overdose_on, death)})"
    return {
        "code": case.code,
        "anchor": f"case-{case.id}",
        "status": CASE_STATUSES[case.status],
        "facts": [
            ("Died", death_month or "Date not recorded"),
            ("Age", _age(case.age)),
            ("Sex", SEXES[case.sex]),
            ("Race", RACES.get(case.race, case.race)),
            ("Ethnicity", ETHNICITIES[case.ethnicity]),
            ("County of residence", case.county_of_residence or "Unknown"),
            ("County of death", case.county_of_death or "Unknown"),
            ("Place of death", PLACES[case.place_of_death]),
            ("Manner", MANNERS[case.manner]),
        ],
        "causes": [s.term.label for s in case.substances if s.role == "cause"],
        "present": [s.term.label for s in case.substances if s.role == "present"],
        "circumstances": [("Naloxone administered", naloxone),
                          ("Prior overdoses", prior),
                          ("Recent release", release)]
        + [(label, TRISTATE[getattr(case, field)]) for field, label in CIRCUMSTANCES
           if field != "naloxone_administered"],
        "requests": [{"agency": r.organization.name, "state": _request_state(r, today),
                      "part2": bool(r.is_part2)} for r in case.requests],
        "timeline": [{
            "when": row.when, "approximate": row.approximate,
            "months_before": (f"{row.months_before:.1f}" if row.months_before is not None
                              else ""),
            "type": row.type, "agency": row.agency, "sector": row.sector, "stage": row.stage,
            "description": row.description, "missed": row.missed, "gap_type": row.gap_type,
            "rationale": row.rationale, "part2": row.is_part2,
            "gap_code": gaps_by_point[row.id].code if row.id in gaps_by_point else "",
        } for row in rows],
        "missed_count": len(missed),
        "timeline_image": _timeline_image(rows, case.code, death_month),
        "timeline_alt": (f"Timeline of case {case.code}: {len(rows)} touchpoints, {len(missed)} "
                         "missed opportunities, drawn by months before death; the table below "
                         "lists each one."),
        "legend": [{"stage": stage, "colour": colour} for stage, colour in stage_legend(rows)],
        "gaps": sorted(gaps.values(), key=lambda g: g["code"]),
        "part2": any(row.is_part2 for row in rows) or any(r.is_part2 for r in case.requests),
    }


def case_summaries(cases: list[FatalityCase], today) -> list[dict]:
    rows_of = {case.id: timeline(case) for case in cases}
    missed_ids = [row.id for rows in rows_of.values() for row in rows if row.missed]
    gaps_by_point = links_of(missed_ids)
    return [_case_summary(case, rows_of[case.id], gaps_by_point, today) for case in cases]


# --- the recommendations ----------------------------------------------------------------------

def _recommendations(meeting: Meeting, case_ids: list[int], gap_ids: list[int],
                     day) -> tuple[list[dict], int]:
    """The table's recommendations still being worked on, and every recommendation that came
    from the cases on this agenda or addresses a gap their missed opportunities showed; stalled
    first (as of the meeting's day), then the oldest update. Also how many finished
    recommendations of the table are left out."""
    finished = VocabTerm.code.in_(FINISHED_STATUSES)
    from_cases = union(
        select(RecommendationCase.recommendation_id).where(
            RecommendationCase.case_id.in_(case_ids or [-1])),
        select(RecommendationGap.recommendation_id).where(
            RecommendationGap.gap_id.in_(gap_ids or [-1]))).scalar_subquery()
    recommendations = list(db.session.scalars(recommendation_query(today=day).where(or_(
        (Recommendation.table_id == meeting.table_id) & ~finished,
        Recommendation.id.in_(from_cases)))))
    left_out = db.session.scalar(
        select(func.count(Recommendation.id))
        .join(VocabTerm, VocabTerm.id == Recommendation.status_id)
        .where(Recommendation.table_id == meeting.table_id, finished,
               Recommendation.id.not_in(from_cases)))
    ids = [r.id for r in recommendations]
    codes: dict[int, list[str]] = {}
    if ids:
        for rec_id, code in db.session.execute(
                select(RecommendationCase.recommendation_id, FatalityCase.code)
                .join(FatalityCase, FatalityCase.id == RecommendationCase.case_id)
                .where(RecommendationCase.recommendation_id.in_(ids),
                       FatalityCase.table_id == meeting.table_id)
                .order_by(FatalityCase.code)):
            codes.setdefault(rec_id, []).append(code)
    gap_codes: dict[int, list[str]] = {}
    if ids and gap_ids:
        for rec_id, code in db.session.execute(
                select(RecommendationGap.recommendation_id, Gap.code)
                .join(Gap, Gap.id == RecommendationGap.gap_id)
                .where(RecommendationGap.recommendation_id.in_(ids),
                       RecommendationGap.gap_id.in_(gap_ids))
                .order_by(Gap.code)):
            gap_codes.setdefault(rec_id, []).append(code)
    progress = progress_of(ids, today=day)
    rows = []
    for rec in recommendations:
        plan = progress[rec.id]
        lead = rec.lead_organization.name if rec.lead_organization else "No lead agency"
        if rec.lead_person:
            lead += f" ({rec.lead_person.name})"
        rows.append({
            "code": rec.code, "text": _cut(rec.text), "lead": lead,
            "status": rec.status.label, "stalled": is_stalled(rec, day),
            "last_update": f"{rec.last_update_on:%b %-d, %Y}",
            "work_plan": (f"{plan.done} of {plan.total} done"
                          + (f", {plan.overdue} overdue" if plan.overdue else "")
                          if plan.total else "No work plan"),
            "blockers": _cut(rec.blockers, 250), "cases": codes.get(rec.id, []),
            "gaps": gap_codes.get(rec.id, []),
        })
    return rows, int(left_out or 0)


# --- the packet -------------------------------------------------------------------------------

def packet_context(meeting: Meeting, *, viewer, copy_number: int, recipient_name: str,
                   printed_by: str) -> dict:
    """The packet's context. ``viewer`` is the user printing it (cases they may not see are
    left out); ``copy_number`` and ``recipient_name`` are printed on every page."""
    day = to_local(meeting.starts_at).date()
    today = local_today()
    agenda = agenda_context(meeting, confidential=True, case=True)
    cases = agenda_cases(meeting, viewer)
    summaries = case_summaries(cases, today)
    gap_ids = [gap["id"] for case in summaries for gap in case["gaps"]]
    recommendations, left_out = _recommendations(meeting, [c.id for c in cases], gap_ids, day)
    context = {key: agenda[key] for key in (
        "meeting_id", "title", "table_name", "date", "time", "timezone", "location",
        "facilitator", "recorder", "status", "items", "total_minutes", "meeting_minutes")}
    context.update(
        document=DOCUMENT,
        doc_title=f"{DOCUMENT}: {meeting.title}, {agenda['date']}",
        copy_number=copy_number,
        recipient_name=recipient_name,
        mark=packet_mark(copy_number, recipient_name),
        watermark=f"Copy {copy_number} · {recipient_name}",
        printed_at=format_local(utcnow()),
        printed_by=printed_by,
        cases=summaries,
        recommendations=recommendations,
        finished_left_out=left_out,
        stalled_days=stalled_days(),
        part2=any(case["part2"] for case in summaries),
        part2_notice=PART2_NOTICE,
    )
    return context
