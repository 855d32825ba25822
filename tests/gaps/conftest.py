"""Fixtures shared by the gap and recommendation tests.

``review`` is a fatality review team (its manager a coordinator; a seated police member) and the
coalition table (the same coordinator manages it; a seated health department member), a case
with a timeline of two missed opportunities, and a leader who sits at neither.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from coalition.core.localtime import local_today
from coalition.core.vocab import term_by_code
from coalition.extensions import db


def term(vocabulary: str, code: str) -> int:
    return term_by_code(vocabulary, code).id


@pytest.fixture
def review(make_table, make_org, make_person, make_user, seat):
    from coalition.ofr import services as ofr

    team = make_table("ofr", name="Test Fatality Review")
    coalition = make_table("coalition", name="Test Coalition")
    health = make_org("Test Health", sector="public_health")
    police = make_org("Test Police", sector="law_enforcement")
    jail = make_org("Test Jail", sector="corrections_jail")
    ems = make_org("Test EMS", sector="fire_ems")
    lead_person = make_person("Coordinator Person", organizations=[health])
    seat(lead_person, team, health, role="manager")
    seat(lead_person, coalition, health, role="manager")
    manager = make_user("coordinator", person=lead_person)
    officer = make_person("Officer Seated", organizations=[police])
    seat(officer, team, police)
    seat(officer, coalition, police)
    member = make_user("member", person=officer)
    nurse = make_person("Nurse Member", organizations=[health])
    seat(nurse, coalition, health)
    coalition_member = make_user("member", person=nurse)
    leader = make_user("leader", person=make_person("Unseated Leader"))
    case = ofr.create_case(manager, team, date_of_death=local_today() - timedelta(days=30),
                           age=40)
    release = ofr.add_touchpoint(
        manager, case, occurred=(case.date_of_death - timedelta(days=20)).isoformat(),
        type_id=term("touchpoint_type", "jail_release"), organization_id=jail.id,
        stage_id=term("stage", "criminal_legal_transitions_custody_moud_re_entry"),
        description="Released without naloxone", is_missed_opportunity=True,
        gap_type_id=term("gap_type", "no_follow_up_after_discharge_or_release"),
        rationale="No naloxone or treatment bridge at release.")
    overdose = ofr.add_touchpoint(
        manager, case, occurred=(case.date_of_death - timedelta(days=10)).isoformat(),
        type_id=term("touchpoint_type", "ems_response_overdose"), organization_id=ems.id,
        stage_id=term("stage", "crisis_and_overdose_response"),
        description="Refused transport", is_missed_opportunity=True,
        gap_type_id=term("gap_type", "no_warm_hand_off"),
        rationale="No leave-behind kit, no outreach referral.")
    db.session.commit()
    return SimpleNamespace(team=team, coalition=coalition, health=health, police=police,
                           jail=jail, ems=ems, manager=manager, member=member,
                           coalition_member=coalition_member, leader=leader, case=case,
                           release=release, overdose=overdose, lead_person=lead_person)


@pytest.fixture
def make_gap(review):
    from coalition.gaps import services as gaps

    def factory(title="No bridge to treatment at jail release", **fields):
        values = {"stage_id": term("stage", "criminal_legal_transitions_custody_moud_re_entry"),
                  "gap_type_id": term("gap_type", "no_follow_up_after_discharge_or_release"),
                  "sector_ids": [term("sector", "corrections_jail")]}
        values.update(fields)
        gap = gaps.create_gap(review.manager, title=title, **values)
        db.session.commit()
        return gap
    return factory


@pytest.fixture
def make_recommendation(review):
    from coalition.gaps import services as gaps

    def factory(**fields):
        values = {"text": "Offer naloxone and a treatment appointment to every person "
                          "released from the jail with opioid use disorder.",
                  "scope": "community", "target_level": "agency", "strategy": "policy_protocol",
                  "lead_organization_id": review.jail.id}
        values.update(fields)
        recommendation = gaps.create_recommendation(review.manager, review.coalition, **values)
        db.session.commit()
        return recommendation
    return factory
