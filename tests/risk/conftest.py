"""Fixtures shared by the risk review tests.

``risk_setting`` is a risk review table with three member agencies (police, harm reduction,
treatment) and a health department, each with a seated person who has an account, plus people
who must not see the table's situations: a member of another risk review table and a coordinator
who is not seated. ``accepted_situation`` is a situation of that table accepted with harm
reduction as lead and treatment assisting (police is seated but not assigned).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from coalition.core.localtime import local_today
from coalition.core.vocab import term_by_code
from coalition.extensions import db

Q1_DAY, Q2_DAY = date(2025, 2, 10), date(2025, 5, 12)
SUMMARY = "Found unresponsive behind the laundromat on Elm Street."


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


@pytest.fixture
def outreach_year(risk_setting):
    """A year at the table (2025), all numbers chosen:

    - 20 situations from police overdose reports (Q1), each tried twice with police on the
      team: the first attempt never reaches, the second reaches 12 of them, 60 hours after
      acceptance. Police: 40 attempts, 12 reached.
    - 30 from EMS (Q2), tried without police: 25 reached at the first attempt (10 hours after
      acceptance), the other 5 at a second one. No police: 35 attempts, 30 reached. All 30
      concluded (25 connected with risk lowered, 5 refused, still elevated). Naloxone offered
      to the 25 and accepted; treatment offered to the 25, accepted by 4.
    - 3 walk-ins accepted, not tried yet; 4 rejected; 2 awaiting a decision.
    - Harm reduction leads every accepted situation; treatment assists 2. Every accepted one
      has a prior overdose; 3 have housing.
    """
    from coalition.risk.models import (
        OutreachAttempt,
        OutreachService,
        RiskSituation,
        SituationAgency,
    )

    table, org = risk_setting.table, risk_setting.harm_reduction
    prior = term_by_code("risk_factor_category", "prior_overdose")
    housing = term_by_code("risk_factor_category", "housing")
    made = []

    def situation(source, day, status="accepted", **fields):
        number = len(made) + 1
        values = dict(level="individual", age_range="25_34", consent_status="verbal",
                      summary=SUMMARY)
        if status == "rejected":
            values = dict(level=None, age_range=None, consent_status=None, summary="",
                          rejection_reason="Not acute.")
        values.update(fields)
        row = RiskSituation(table=table, originating_organization=risk_setting.police,
                            code=f"RS-2025-{number:04d}", referral_source=source,
                            presented_on=day, status=status, **values)
        if status in ("accepted", "concluded"):
            row.accepted_at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                hours=15)
            row.risk_factors = [prior] + ([housing] if number <= 3 else [])
            row.agencies = [SituationAgency(organization=org, role="lead")]
            if number <= 2:
                row.agencies.append(SituationAgency(organization=risk_setting.treatment,
                                                    role="assisting"))
        db.session.add(row)
        made.append(row)
        return row

    def attempt(row, hours, result, police, services=()):
        when = row.accepted_at + timedelta(hours=hours)
        db.session.add(OutreachAttempt(
            situation=row, attempted_at=when, organization_id=org.id, mode="in_person",
            result=result, police_present=police,
            team="police_uniformed,peer" if police else "peer",
            services=[OutreachService(service=code, accepted=ok) for code, ok in services]))
        if result != "no_contact" and row.first_contact_at is None:
            row.first_contact_at = when

    for n in range(20):
        row = situation("police_overdose_report", Q1_DAY)
        attempt(row, 5, "no_contact", True)
        attempt(row, 60, "contact_person" if n < 12 else "no_contact", True)
    for n in range(30):
        row = situation("ems", Q2_DAY, status="concluded", concluded_on=date(2025, 7, 1),
                        risk_status="lowered" if n < 25 else "still_elevated",
                        outcome="connected" if n < 25 else "refused")
        if n < 25:
            attempt(row, 10, "contact_person", False,
                    [("naloxone_kit", True), ("treatment_referral", n < 4)])
        else:
            attempt(row, 10, "no_contact", False)
            attempt(row, 70, "contact_network", False)
    for _ in range(3):
        situation("walk_in", Q2_DAY)
    for _ in range(4):
        situation("ems", Q2_DAY, status="rejected")
    for _ in range(2):
        situation("police_overdose_report", Q2_DAY, status="new")
    db.session.commit()
    return table
