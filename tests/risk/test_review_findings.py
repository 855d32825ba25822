"""The outside security review's findings about risk review, through HTTP where a person would
meet them: dates at the end of the calendar, NUL bytes, a manager assigning their own agency,
the audit screen's need-to-know, and what a rejected situation leaves behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.risk import services as risk
from coalition.risk.models import OutreachReferral, RiskSituation, SituationAgency
from tests.conftest import error_for

NUL = "Call\x00back"


def test_an_outreach_attempt_dated_9999_is_a_field_message(client, login, risk_setting,
                                                           accepted_situation):
    login(risk_setting.harm_user)
    response = client.post(f"/situations/{accepted_situation.id}/attempts/new", data={
        "attempted_at": "9999-12-31T23:59", "organization_id": str(risk_setting.harm_reduction.id),
        "mode": "phone", "team": ["peer"], "result": "no_contact"})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "attempted_at") == \
        "Enter a date between 1900 and 2100."


def test_nul_in_a_situation_summary_and_an_identity_name_is_a_field_message(
        client, login, risk_setting, accepted_situation):
    login(risk_setting.police_user)
    response = client.post(f"/tables/{risk_setting.table.id}/situations/new", data={
        "originating_organization_id": str(risk_setting.police.id),
        "referral_source": "ems", "presented_on": local_today().isoformat(),
        "level": "individual", "age_range": "25_34", "consent_status": "verbal",
        "summary": NUL})
    assert response.status_code == 400
    assert "control characters" in error_for(response.get_data(as_text=True), "summary")
    client.post("/logout")
    login(risk_setting.harm_user)
    response = client.post(f"/situations/{accepted_situation.id}/identity", data={
        "name": NUL, "birth_date": "", "location": "", "phone": ""})
    assert response.status_code == 400
    assert "control characters" in error_for(response.get_data(as_text=True), "name")


# --- self-assignment of an agency --------------------------------------------------------------

def test_a_manager_assigning_their_own_agency_must_say_why(client, login, risk_setting,
                                                         new_situation, make_user):
    login(risk_setting.coordinator)  # seated as manager for the health department
    url = f"/situations/{new_situation.id}/decide"
    data = {"decision": "accept", "lead_organization_id": str(risk_setting.health.id)}
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "Say why your own agency" in error_for(response.get_data(as_text=True),
                                                  "self_assignment_reason")
    assert db.session.get(RiskSituation, new_situation.id).status == "new"
    response = client.post(url, data=dict(data, self_assignment_reason="Our nurse knows him."))
    assert response.status_code == 302
    agency = db.session.scalars(select(SituationAgency)).one()
    assert agency.self_assignment_reason == "Our nurse knows him."
    page = client.get(f"/situations/{new_situation.id}").get_data(as_text=True)
    assert "Our nurse knows him." in page and "who sits for this agency" in page
    # every coordinator sees it in the audit log, even one not seated at the table
    other = login(make_user("coordinator"), test_client=client.application.test_client())
    audit_page = other.get("/audit/?action=self_assign").get_data(as_text=True)
    assert new_situation.code in audit_page


# --- the audit screen's need-to-know ---------------------------------------------------------

def test_the_audit_screen_hides_case_rows_from_coordinators_not_seated(
        client, login, risk_setting, accepted_situation):
    login(risk_setting.unseated_coordinator)
    page = client.get("/audit/?object_type=risk_situations").get_data(as_text=True)
    assert accepted_situation.code not in page
    client.post("/logout")
    login(risk_setting.coordinator)  # seated at the table
    page = client.get("/audit/?object_type=risk_situations").get_data(as_text=True)
    assert accepted_situation.code in page


def test_rejecting_unlinks_the_incident_report_it_came_from(risk_setting, situation_values):
    from coalition.risk.services.incident_csv import ParsedRow  # noqa: F401

    referral = OutreachReferral(table_id=risk_setting.table.id, agency="Test County Police",
                                incident_number="TCP-77", location="400 block of Elm St",
                                occurred_at=datetime.now(UTC) - timedelta(days=1),
                                status="open")
    db.session.add(referral)
    db.session.commit()
    situation = risk.create_situation(risk_setting.police_user, risk_setting.table,
                                      referral=referral, **situation_values)
    db.session.commit()
    assert referral.situation_id == situation.id
    risk.decide_situation(risk_setting.coordinator, situation, accepted=False,
                          reason="Not acute")
    db.session.commit()
    db.session.expire_all()
    referral = db.session.get(OutreachReferral, referral.id)
    assert referral.situation_id is None and referral.status == "dismissed"
    joined = db.session.scalar(select(func.count(OutreachReferral.id)).where(
        OutreachReferral.situation_id == situation.id))
    assert joined == 0
    assert all("TCP-77" not in row.summary and f"incident report {referral.id}" not in row.summary
               for row in db.session.scalars(select(AuditEvent)))
