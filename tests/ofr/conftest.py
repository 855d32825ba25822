"""Fixtures shared by the fatality review tests.

``ofr_setting`` is a fatality review table with its manager (a coordinator seated as manager),
two seated members (police and EMS) and agencies to request records from, plus people who must
see none of it: a leader and a coordinator who are not seated, and a member of another table.
``make_case`` records a death at that table through the service.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from coalition.core.localtime import local_today
from coalition.core.vocab import term_by_code
from coalition.extensions import db


@pytest.fixture
def ofr_setting(make_table, make_org, make_person, make_user, seat):
    table = make_table("ofr", name="Test County Fatality Review")
    health = make_org("Test County Health", sector="public_health")
    police = make_org("Test City Police", sector="law_enforcement")
    ems = make_org("Test County EMS", sector="fire_ems")
    hospital = make_org("Test General Hospital", sector="emergency_department_hospital")
    treatment = make_org("Test Recovery Center", sector="substance_use_treatment")

    def seated_user(org, *, role="member", site_role="member", name=None, at=table):
        person = make_person(name, organizations=[org])
        seat(person, at, org, role=role)
        return make_user(site_role, person=person)

    manager = seated_user(health, role="manager", site_role="coordinator", name="Review Lead")
    police_user = seated_user(police, name="Detective Seated")
    ems_user = seated_user(ems, name="Paramedic Seated")
    other_table = make_table("risk_review", name="Another Table")
    outsider = seated_user(police, name="Other Table Member", at=other_table)
    leader = make_user("leader", person=make_person("Unseated Leader"))
    unseated_coordinator = make_user("coordinator", person=make_person("Unseated Coordinator"))
    return SimpleNamespace(
        table=table, other_table=other_table, health=health, police=police, ems=ems,
        hospital=hospital, treatment=treatment, manager=manager, police_user=police_user,
        ems_user=ems_user, outsider=outsider, leader=leader,
        unseated_coordinator=unseated_coordinator)


@pytest.fixture
def case_values():
    """Facts of a death that pass every rule (three weeks ago, two substances)."""
    def values(**overrides):
        base = {
            "date_of_death": local_today() - timedelta(days=21), "age": 34, "sex": "male",
            "race": "white", "ethnicity": "not_hispanic", "county_of_residence": "Test County",
            "county_of_death": "Test County", "place_of_death": "own_residence",
            "manner": "accident", "naloxone_administered": "yes", "naloxone_by": "ems",
            "naloxone_doses": 2,
            "substances": [(term_by_code("substance", "fentanyl_and_analogs").id, "cause"),
                           (term_by_code("substance", "xylazine").id, "present")],
        }
        base.update(overrides)
        return base
    return values


@pytest.fixture
def make_case(ofr_setting, case_values):
    from coalition.ofr import services as ofr

    def factory(table=None, *, actor=None, **overrides):
        case = ofr.create_case(actor or ofr_setting.manager, table or ofr_setting.table,
                               **case_values(**overrides))
        db.session.commit()
        return case
    return factory


@pytest.fixture
def review_meeting(ofr_setting, make_meeting):
    """A scheduled meeting of the review table next week."""
    return make_meeting(ofr_setting.table, title="Fatality review")
