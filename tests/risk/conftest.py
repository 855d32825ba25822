"""Fixtures shared by the risk review tests.

``risk_setting`` is a risk review table with three member agencies (police, harm reduction,
treatment) and a health department, each with a seated person who has an account, plus people
who must not see the table's situations: a member of another risk review table and a coordinator
who is not seated. ``accepted_situation`` is a situation of that table accepted with harm
reduction as lead and treatment assisting (police is seated but not assigned).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from coalition.core.localtime import local_today
from coalition.core.vocab import term_by_code
from coalition.extensions import db


@pytest.fixture
def risk_setting(make_table, make_org, make_person, make_user, seat):
    table = make_table("risk_review", name="Hub of Test County")
    police = make_org("Test County Police", sector="law_enforcement")
    harm_reduction = make_org("Harm Reduction Test Org", sector="harm_reduction_syringe_services")
    treatment = make_org("Test Treatment Center", sector="substance_use_treatment")
    health = make_org("Test Health Department", sector="public_health")

    def seated_user(org, *, role="member", site_role="member", name=None, at=table):
        person = make_person(name, organizations=[org])
        seat(person, at, org, role=role)
        return make_user(site_role, person=person)

    police_user = seated_user(police, name="Officer Seated")
    harm_user = seated_user(harm_reduction, name="Harm Reduction Worker")
    treatment_user = seated_user(treatment, name="Treatment Counselor")
    coordinator = seated_user(health, role="manager", site_role="coordinator",
                              name="Table Coordinator")
    other_table = make_table("risk_review", name="Another Hub")
    outsider = seated_user(police, name="Other Table Member", at=other_table)
    unseated_coordinator = make_user("coordinator",
                                     person=make_person("Unseated Coordinator"))
    return SimpleNamespace(
        table=table, other_table=other_table, police=police, harm_reduction=harm_reduction,
        treatment=treatment, health=health, police_user=police_user, harm_user=harm_user,
        treatment_user=treatment_user, coordinator=coordinator, outsider=outsider,
        unseated_coordinator=unseated_coordinator)


@pytest.fixture
def situation_values(risk_setting):
    """Keyword arguments for ``create_situation`` that pass every rule."""
    factor = term_by_code("risk_factor_category", "prior_overdose")
    return {
        "originating_organization_id": risk_setting.police.id,
        "referral_source": "police_overdose_report",
        "presented_on": local_today(),
        "level": "individual",
        "age_range": "25_34",
        "gender": "Man",
        "language": "English",
        "consent_status": "verbal",
        "summary": "Overdosed twice this month, recently lost housing, uses alone.",
        "protective_factors": "Sister is supportive.",
        "risk_factor_ids": [factor.id],
    }


@pytest.fixture
def new_situation(risk_setting, situation_values):
    """A new (undecided) situation created through the service."""
    from coalition.risk import services as risk

    situation = risk.create_situation(risk_setting.police_user, risk_setting.table,
                                      **situation_values)
    db.session.commit()
    return situation


@pytest.fixture
def accepted_situation(risk_setting, new_situation):
    """``new_situation`` accepted: harm reduction leads, treatment assists."""
    from coalition.risk import services as risk

    risk.decide_situation(risk_setting.coordinator, new_situation, accepted=True,
                          lead_organization_id=risk_setting.harm_reduction.id,
                          assisting_organization_ids=[risk_setting.treatment.id])
    db.session.commit()
    return new_situation
