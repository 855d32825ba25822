"""The demo's gap register and recommendations, from last month's fatality review: four gaps
linked to missed opportunities of the reviewed cases (some left to link), and three
recommendations of the coalition table — one endorsed and under way with its work plan, one
proposed, one stalled and therefore on the coalition's next agenda.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from coalition.core.db import utcnow
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.models import Recommendation
from coalition.ofr.models import FatalityCase, Touchpoint
from coalition.roster.models import CoalitionTable, Organization, Person

# title, stage code, gap type code, sector codes, the touchpoint type whose missed opportunity
# showed it (in the reviewed cases)
GAPS = [
    ("No naloxone or treatment bridge at jail release",
     "criminal_legal_transitions_custody_moud_re_entry",
     "no_follow_up_after_discharge_or_release", ["corrections_jail"], "jail_release"),
    ("No warm hand-off after a non-fatal overdose when transport is refused",
     "crisis_and_overdose_response", "no_warm_hand_off", ["fire_ems"], "ems_response_overdose"),
    ("Weeks of waiting for buprenorphine induction", "treatment_initiation_including_moud",
     "waitlist_or_capacity", ["substance_use_treatment"], "sud_treatment_admission"),
    ("Opioids co-prescribed with benzodiazepines without naloxone", "prevention",
     "policy_barrier", ["primary_care", "pharmacy"], "opioid_or_benzodiazepine_prescription"),
]


def _id(vocabulary: str, code: str) -> int:
    return term_by_code(vocabulary, code).id


def _reviewed_missed() -> list[Touchpoint]:
    return list(db.session.scalars(
        select(Touchpoint).join(FatalityCase)
        .where(FatalityCase.status == "reviewed", Touchpoint.is_missed_opportunity.is_(True))
        .order_by(Touchpoint.case_id, Touchpoint.occurred_on)))


def seed_demo_gaps(today: date, by_name: dict[str, Person]) -> tuple[int, int]:
    """Returns (gaps, recommendations)."""
    from coalition.meetings import services as meetings
    from coalition.meetings.models import Meeting

    actor = None  # the demo's own seeding, as for the rest of the demo
    missed = _reviewed_missed()
    made = []
    for title, stage, gap_type, sectors, touchpoint_type in GAPS:
        gap = gaps.create_gap(actor, title=title, stage_id=_id("stage", stage),
                              gap_type_id=_id("gap_type", gap_type),
                              sector_ids=[_id("sector", s) for s in sectors])
        kind = _id("touchpoint_type", touchpoint_type)
        showing = next((t for t in missed if t.type_id == kind), None)
        if showing is not None:
            gaps.link_missed(actor, showing, gap)
        made.append(gap)
    coalition = db.session.scalar(select(CoalitionTable).where(CoalitionTable.kind == "coalition"))
    orgs = {o.name: o for o in db.session.scalars(select(Organization))}
    endorsed = gaps.create_recommendation(
        actor, coalition, text="Offer every person released from the county jail with opioid "
        "use disorder a naloxone kit and a treatment appointment before they leave.",
        scope="community", target_level="agency", strategy="policy_protocol",
        stage_id=_id("stage", "criminal_legal_transitions_custody_moud_re_entry"),
        lead_organization_id=orgs["Alder County Jail"].id,
        lead_person_id=by_name["Warden Paul Fisher"].id,
        partner_ids=[orgs["Open Door Harm Reduction"].id, orgs["Harbor Recovery Center"].id],
        success_measure="Share of releases with OUD leaving with naloxone and an appointment",
        baseline="0 %", target="80 % within a year", gap_ids=[made[0].id])
    gaps.decide(actor, endorsed, decision="endorsed", note="Report progress monthly.")
    gaps.post_update(actor, endorsed, status_id=_id("recommendation_status", "in_progress"),
                     note="Release checklist drafted; kits ordered.")
    for title, owner, due_in in (
            ("Add naloxone and an intake appointment to the release checklist",
             "Warden Paul Fisher", 10),
            ("Supply naloxone kits to the jail's release desk", "Luis Navarro", -3)):
        gaps.add_work_item(actor, endorsed, title=title, owner_id=by_name[owner].id,
                           due_on=today + timedelta(days=due_in))
    gaps.create_recommendation(
        actor, coalition, text="Train EMS crews to leave naloxone and refer to post-overdose "
        "outreach whenever a patient refuses transport.", scope="community",
        target_level="agency", strategy="training",
        stage_id=_id("stage", "crisis_and_overdose_response"),
        lead_organization_id=orgs["Alder County Fire & EMS"].id, gap_ids=[made[1].id])
    stalled = gaps.create_recommendation(
        actor, coalition, text="Add a naloxone co-prescribing prompt to the clinic's electronic "
        "health record for opioid and benzodiazepine prescriptions.", scope="community",
        target_level="system", strategy="policy_protocol", stage_id=_id("stage", "prevention"),
        lead_organization_id=orgs["Alder Community Health Clinic"].id, gap_ids=[made[3].id],
        success_measure="Co-prescriptions with naloxone", baseline="12 %", target="60 %")
    stalled.last_update_on = today - timedelta(days=gaps.stalled_days() + 30)
    stalled.created_at = utcnow() - timedelta(days=gaps.stalled_days() + 30)
    db.session.flush()
    upcoming = db.session.scalars(select(Meeting).where(
        Meeting.table_id == coalition.id, Meeting.status == "scheduled")).all()
    for meeting in upcoming:
        meetings.refresh_due_items(None, meeting)
    return len(made), db.session.scalar(select(func.count(Recommendation.id)))
