"""The situation screens: who reaches each route, what the forms keep and save, and the reveal."""

from __future__ import annotations

import pytest

from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.risk import services as risk
from coalition.risk.models import RiskSituation

NAME = "Jordan Quillfeather"


def _form(setting, **overrides):
    data = {"originating_organization_id": str(setting.police.id),
            "referral_source": "police_overdose_report",
            "presented_on": local_today().isoformat(), "level": "individual",
            "age_range": "25_34", "gender": "", "language": "Spanish",
            "consent_status": "verbal",
            "risk_factor_ids": [str(term_by_code("risk_factor_category", "housing").id)],
            "summary": "Second overdose this month, sleeping outside.",
            "protective_factors": ""}
    data.update(overrides)
    return data


def _with_identity(setting, situation):
    risk.save_identity(setting.harm_user, situation, name=NAME, birth_date=None,
                       location="Riverside camp", phone="")
    db.session.commit()
    return situation


# --- who reaches what -------------------------------------------------------------------------

ROUTES = [("GET", "/situations/{id}"), ("GET", "/situations/{id}/edit"),
          ("GET", "/situations/{id}/decide"), ("GET", "/situations/{id}/agencies"),
          ("GET", "/situations/{id}/identity"), ("POST", "/situations/{id}/reveal"),
          ("GET", "/situations/{id}/conclude"), ("POST", "/situations/{id}/decide")]


@pytest.mark.parametrize("method, url", ROUTES)
@pytest.mark.parametrize("who", ["outsider", "unseated_coordinator"])
def test_situation_routes_are_404_to_people_not_seated(
        client, login, risk_setting, accepted_situation, method, url, who):
    login(getattr(risk_setting, who))
    response = client.open(url.format(id=accepted_situation.id), method=method)
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["outsider", "unseated_coordinator"])
def test_the_new_situation_form_is_404_to_people_not_seated(client, login, risk_setting, who):
    login(getattr(risk_setting, who))
    assert client.get(f"/tables/{risk_setting.table.id}/situations/new").status_code == 404


def test_the_new_situation_form_is_404_for_a_table_that_is_not_risk_review(
        client, login, risk_setting, make_table, seat):
    table = make_table("coalition")
    seat(risk_setting.police_user.person, table, risk_setting.police)
    login(risk_setting.police_user)
    assert client.get(f"/tables/{table.id}/situations/new").status_code == 404


@pytest.mark.parametrize("method, url", [
    ("GET", "/situations/{id}/decide"), ("POST", "/situations/{id}/decide"),
    ("GET", "/situations/{id}/agencies"), ("POST", "/situations/{id}/agencies")])
def test_managing_is_403_to_seated_members(client, login, risk_setting, accepted_situation,
                                           method, url):
    login(risk_setting.harm_user)
    response = client.open(url.format(id=accepted_situation.id), method=method)
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["/situations/{id}/identity", "/situations/{id}/conclude"])
def test_identity_and_conclusion_are_403_to_unassigned_members(
        client, login, risk_setting, accepted_situation, url):
    login(risk_setting.police_user)
    assert client.get(url.format(id=accepted_situation.id)).status_code == 403


def test_editing_is_403_to_a_member_of_another_agency(client, login, risk_setting,
                                                      new_situation):
    login(risk_setting.harm_user)
    assert client.get(f"/situations/{new_situation.id}/edit").status_code == 403


def test_the_situation_page_shows_the_description_to_seated_members(
        client, login, risk_setting, new_situation):
    login(risk_setting.treatment_user)
    response = client.get(f"/situations/{new_situation.id}")
    assert response.status_code == 200
    assert "recently lost housing" in response.get_data(as_text=True)


def test_the_situation_page_is_not_cached(client, login, risk_setting, new_situation):
    login(risk_setting.treatment_user)
    response = client.get(f"/situations/{new_situation.id}")
    assert response.headers["Cache-Control"] == "no-store"


# --- the reveal ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["harm_user", "treatment_user"])
def test_assigned_agency_members_can_reveal(client, login, risk_setting, accepted_situation,
                                            who):
    _with_identity(risk_setting, accepted_situation)
    login(getattr(risk_setting, who))
    response = client.post(f"/situations/{accepted_situation.id}/reveal")
    assert response.status_code == 200
    assert NAME in response.get_data(as_text=True)


def test_the_reveal_response_is_not_cached(client, login, risk_setting, accepted_situation):
    _with_identity(risk_setting, accepted_situation)
    login(risk_setting.harm_user)
    response = client.post(f"/situations/{accepted_situation.id}/reveal")
    assert response.headers["Cache-Control"] == "no-store"


def test_the_reveal_is_audited(client, login, risk_setting, accepted_situation):
    _with_identity(risk_setting, accepted_situation)
    login(risk_setting.harm_user)
    client.post(f"/situations/{accepted_situation.id}/reveal")
    assert db.session.scalar(db.select(AuditEvent.user_id).where(
        AuditEvent.action == "reveal")) == risk_setting.harm_user.id


def test_the_situation_page_never_shows_the_identity(client, login, risk_setting,
                                                     accepted_situation):
    _with_identity(risk_setting, accepted_situation)
    login(risk_setting.harm_user)
    page = client.get(f"/situations/{accepted_situation.id}").get_data(as_text=True)
    assert NAME not in page and "Reveal identity" in page


def test_an_unassigned_seated_member_gets_403_on_reveal(client, login, risk_setting,
                                                       accepted_situation):
    _with_identity(risk_setting, accepted_situation)
    login(risk_setting.police_user)
    assert client.post(f"/situations/{accepted_situation.id}/reveal").status_code == 403


def test_a_seated_manager_not_assigned_gets_403_on_reveal(client, login, risk_setting,
                                                         accepted_situation):
    _with_identity(risk_setting, accepted_situation)
    login(risk_setting.coordinator)
    assert client.post(f"/situations/{accepted_situation.id}/reveal").status_code == 403


def test_the_reveal_button_is_not_offered_to_unassigned_members(
        client, login, risk_setting, accepted_situation):
    _with_identity(risk_setting, accepted_situation)
    login(risk_setting.police_user)
    assert "Reveal identity" not in client.get(
        f"/situations/{accepted_situation.id}").get_data(as_text=True)


# --- forms --------------------------------------------------------------------------------------

def test_a_member_brings_a_situation(client, login, risk_setting):
    login(risk_setting.police_user)
    response = client.post(f"/tables/{risk_setting.table.id}/situations/new",
                           data=_form(risk_setting))
    situation = db.session.scalars(db.select(RiskSituation)).one()
    assert response.headers["Location"] == f"/situations/{situation.id}"


def test_the_new_form_keeps_typed_values_on_error(client, login, risk_setting):
    login(risk_setting.police_user)
    response = client.post(f"/tables/{risk_setting.table.id}/situations/new",
                           data=_form(risk_setting, level="", language="Tagalog"))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose the level." in body and 'value="Tagalog"' in body
    assert db.session.scalar(db.select(db.func.count(RiskSituation.id))) == 0


def _situations() -> int:
    return db.session.scalar(db.select(db.func.count(RiskSituation.id)))


def test_an_identifier_is_pointed_out_before_anything_is_saved(client, login, risk_setting):
    login(risk_setting.police_user)
    response = client.post(f"/tables/{risk_setting.table.id}/situations/new",
                           data=_form(risk_setting, summary="Call 555-123-4567."))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and _situations() == 0
    assert body.count("seems to contain a phone number") == 1
    assert "Call 555-123-4567." in body  # what was typed is kept, to correct it
    assert 'name="save_anyway"' in body


def test_save_anyway_records_it_and_the_warning_is_shown_once(client, login, risk_setting):
    login(risk_setting.police_user)
    response = client.post(f"/tables/{risk_setting.table.id}/situations/new",
                           data=_form(risk_setting, summary="Call 555-123-4567.",
                                      save_anyway="1"), follow_redirects=True)
    assert _situations() == 1
    assert response.get_data(as_text=True).count("seems to contain a phone number") == 1


def test_a_corrected_description_is_saved_without_asking(client, login, risk_setting):
    login(risk_setting.police_user)
    response = client.post(f"/tables/{risk_setting.table.id}/situations/new",
                           data=_form(risk_setting, summary="Second overdose this month."))
    assert response.status_code == 302 and _situations() == 1


def test_an_edit_adding_an_identifier_is_not_saved_until_confirmed(client, login, risk_setting,
                                                                    new_situation):
    login(risk_setting.police_user)
    before = new_situation.summary
    response = client.post(f"/situations/{new_situation.id}/edit",
                           data=_form(risk_setting, summary="Reach her at jo@example.org"))
    assert "seems to contain an e-mail address" in response.get_data(as_text=True)
    db.session.refresh(new_situation)
    assert new_situation.summary == before


def test_a_referral_prefills_the_form(client, login, risk_setting):
    from coalition.core.db import utcnow
    from coalition.risk.models import OutreachReferral

    referral = OutreachReferral(table_id=risk_setting.table.id, agency="County Police",
                                organization_id=risk_setting.treatment.id,
                                incident_number="24-777", occurred_at=utcnow())
    db.session.add(referral)
    db.session.commit()
    login(risk_setting.police_user)
    body = client.get(f"/tables/{risk_setting.table.id}/situations/new"
                      f"?referral={referral.id}").get_data(as_text=True)
    assert '<option selected value="incident_import">' in body
    assert f'<option selected value="{risk_setting.treatment.id}">' in body


def test_rejecting_needs_a_reason_at_the_field(client, login, risk_setting, new_situation):
    login(risk_setting.coordinator)
    response = client.post(f"/situations/{new_situation.id}/decide",
                           data={"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason" in response.get_data(as_text=True)
    assert new_situation.status == "new"


def test_the_manager_accepts_with_agencies(client, login, risk_setting, new_situation):
    login(risk_setting.coordinator)
    client.post(f"/situations/{new_situation.id}/decide", data={
        "decision": "accept", "lead_organization_id": str(risk_setting.harm_reduction.id),
        "assisting_organization_ids": [str(risk_setting.police.id)]})
    db.session.expire_all()
    assert db.session.get(RiskSituation, new_situation.id).status == "accepted"


def test_an_assigned_member_records_the_identity(client, login, risk_setting,
                                                 accepted_situation):
    login(risk_setting.harm_user)
    response = client.post(f"/situations/{accepted_situation.id}/identity",
                           data={"name": NAME, "birth_date": "", "location": "", "phone": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(RiskSituation, accepted_situation.id).identity is not None


def test_an_assigned_member_concludes(client, login, risk_setting, accepted_situation):
    login(risk_setting.treatment_user)
    client.post(f"/situations/{accepted_situation.id}/conclude", data={
        "concluded_on": local_today().isoformat(), "risk_status": "lowered",
        "outcome": "informed", "note": ""})
    db.session.expire_all()
    assert db.session.get(RiskSituation, accepted_situation.id).status == "concluded"


def test_the_originating_agency_edits_while_new(client, login, risk_setting, new_situation):
    login(risk_setting.police_user)
    client.post(f"/situations/{new_situation.id}/edit",
                data=_form(risk_setting, age_range="45_54"))
    db.session.expire_all()
    assert db.session.get(RiskSituation, new_situation.id).age_range == "45_54"


def test_a_decided_situation_sends_the_editor_back(client, login, risk_setting,
                                                   accepted_situation):
    login(risk_setting.police_user)
    response = client.get(f"/situations/{accepted_situation.id}/edit")
    assert response.headers["Location"] == f"/situations/{accepted_situation.id}"


def test_a_rejected_situation_page_shows_only_the_minimal_fields(client, login, risk_setting,
                                                                 new_situation):
    risk.decide_situation(risk_setting.coordinator, new_situation, accepted=False,
                          reason="A single agency can help.")
    db.session.commit()
    login(risk_setting.treatment_user)
    body = client.get(f"/situations/{new_situation.id}").get_data(as_text=True)
    assert "A single agency can help." in body and "recently lost housing" not in body


def test_a_concluded_situation_page_shows_the_outcome(client, login, risk_setting,
                                                      accepted_situation):
    risk.conclude_situation(risk_setting.harm_user, accepted_situation,
                            concluded_on=local_today(), risk_status="lowered",
                            outcome="refused")
    db.session.commit()
    login(risk_setting.harm_user)
    body = client.get(f"/situations/{accepted_situation.id}").get_data(as_text=True)
    assert "Risk lowered" in body and "Refused" in body


def test_the_seated_manager_sees_the_decision_form(client, login, risk_setting, new_situation):
    login(risk_setting.coordinator)
    response = client.get(f"/situations/{new_situation.id}/decide")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Decide on situation {new_situation.code}" in html
    assert 'value="accept"' in html and 'value="reject"' in html
    for agency in ("Test County Police", "Harm Reduction Test Org", "Test Treatment Center"):
        assert agency in html  # the seated agencies are offered as lead and assisting
    assert "Overdosed twice this month" not in html  # the decision form repeats no case text
