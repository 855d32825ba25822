"""Outreach attempts: the rules of ``record_attempt``, first contact, the 48-hour flag, the
situation page's outreach section and the attempt form's permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template
from flask_login import login_user, logout_user
from sqlalchemy import func, select

from coalition.core.db import utcnow
from coalition.core.errors import ServiceError
from coalition.core.localtime import to_local
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.risk.models import OutreachAttempt, OutreachService, SituationAgency
from coalition.risk.services import outreach


def attempts_count() -> int:
    return db.session.scalar(select(func.count(OutreachAttempt.id)))


@pytest.fixture
def accept(risk_setting, make_situation):
    """A situation of the risk table accepted at ``accepted_at`` (harm reduction leads,
    treatment assists), written directly so each test controls the times."""
    def factory(accepted_at=None, **fields):
        accepted_at = accepted_at or utcnow() - timedelta(hours=6)
        situation = make_situation(risk_setting.table, risk_setting.police, status="accepted",
                                   accepted_at=accepted_at,
                                   decided_on=to_local(accepted_at).date(), **fields)
        db.session.add_all([
            SituationAgency(situation=situation, organization=risk_setting.harm_reduction,
                            role="lead"),
            SituationAgency(situation=situation, organization=risk_setting.treatment,
                            role="assisting")])
        db.session.commit()
        return situation
    return factory


@pytest.fixture
def attempt_args(risk_setting):
    def build(**overrides):
        values = {"attempted_at": utcnow() - timedelta(hours=1),
                  "organization_id": risk_setting.harm_reduction.id, "mode": "in_person",
                  "team": ["peer", "police_plain_clothes"], "result": "contact_person",
                  "services": {"naloxone_kit": True, "housing": False}, "note": ""}
        values.update(overrides)
        return values
    return build


# --- record_attempt -------------------------------------------------------------------------

def test_an_attempt_is_saved_with_its_team_and_services(risk_setting, accept, attempt_args):
    situation = accept()
    attempt = outreach.record_attempt(risk_setting.harm_user, situation, **attempt_args())
    db.session.commit()
    assert attempt.team_codes == ["peer", "police_plain_clothes"]
    assert {(s.service, s.accepted) for s in attempt.services} == {("naloxone_kit", True),
                                                                  ("housing", False)}


def test_police_presence_is_derived_from_the_team(risk_setting, accept, attempt_args):
    situation = accept()
    with_police = outreach.record_attempt(risk_setting.harm_user, situation,
                                          **attempt_args(team=["police_uniformed"]))
    without = outreach.record_attempt(risk_setting.harm_user, situation,
                                      **attempt_args(team=["peer", "clinician"]))
    assert (with_police.police_present, without.police_present) == (True, False)


def test_an_attempt_in_the_future_is_refused(risk_setting, accept, attempt_args):
    situation = accept()
    with pytest.raises(ServiceError) as error:
        outreach.record_attempt(risk_setting.harm_user, situation,
                                **attempt_args(attempted_at=utcnow() + timedelta(hours=2)))
    assert error.value.field == "attempted_at"
    db.session.rollback()
    assert attempts_count() == 0


def test_an_attempt_before_acceptance_is_refused(risk_setting, accept, attempt_args):
    situation = accept(accepted_at=utcnow() - timedelta(hours=5))
    with pytest.raises(ServiceError) as error:
        outreach.record_attempt(risk_setting.harm_user, situation,
                                **attempt_args(attempted_at=utcnow() - timedelta(hours=6)))
    assert error.value.field == "attempted_at"
    db.session.rollback()
    assert attempts_count() == 0


def test_an_agency_not_assigned_to_the_situation_is_refused(risk_setting, accept, attempt_args):
    situation = accept()
    with pytest.raises(ServiceError) as error:
        outreach.record_attempt(risk_setting.harm_user, situation,
                                **attempt_args(organization_id=risk_setting.police.id))
    assert error.value.field == "organization_id"
    db.session.rollback()
    assert attempts_count() == 0


def test_a_service_accepted_but_not_offered_is_refused():
    with pytest.raises(ServiceError) as error:
        outreach.services_from_checks(["naloxone_kit"], ["naloxone_kit", "housing"])
    assert error.value.field == "services_accepted"


def test_offered_and_accepted_checks_become_the_services_mapping():
    assert outreach.services_from_checks(["housing", "food"], ["food"]) == {
        "housing": False, "food": True}


def test_an_empty_team_is_refused(risk_setting, accept, attempt_args):
    situation = accept()
    with pytest.raises(ServiceError) as error:
        outreach.record_attempt(risk_setting.harm_user, situation, **attempt_args(team=[]))
    assert error.value.field == "team"


def test_outreach_on_a_situation_not_accepted_is_refused(risk_setting, make_situation,
                                                         attempt_args):
    situation = make_situation(risk_setting.table, risk_setting.police)
    with pytest.raises(ServiceError):
        outreach.record_attempt(risk_setting.coordinator, situation, **attempt_args())


def test_recording_an_attempt_writes_one_audit_row(risk_setting, accept, attempt_args):
    situation = accept()
    attempt = outreach.record_attempt(risk_setting.harm_user, situation, **attempt_args())
    db.session.commit()
    rows = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "outreach_attempts", AuditEvent.object_id == attempt.id)))
    assert [row.action for row in rows] == ["create"]
    assert situation.code in rows[0].summary


# --- first contact and the 48-hour flag -----------------------------------------------------

def test_first_contact_is_the_earliest_attempt_with_contact(risk_setting, accept, attempt_args):
    accepted_at = utcnow() - timedelta(hours=30)
    situation = accept(accepted_at=accepted_at)
    user = risk_setting.harm_user
    outreach.record_attempt(user, situation, **attempt_args(
        attempted_at=accepted_at + timedelta(hours=2), result="no_contact"))
    outreach.record_attempt(user, situation, **attempt_args(
        attempted_at=accepted_at + timedelta(hours=20), result="contact_person"))
    earlier = accepted_at + timedelta(hours=8)
    outreach.record_attempt(user, situation, **attempt_args(
        attempted_at=earlier, result="contact_network"))
    db.session.commit()
    assert situation.first_contact_at == earlier


def test_attempts_without_contact_leave_first_contact_empty(risk_setting, accept, attempt_args):
    situation = accept()
    outreach.record_attempt(risk_setting.harm_user, situation,
                            **attempt_args(result="no_contact"))
    outreach.record_attempt(risk_setting.harm_user, situation, **attempt_args(result="declined"))
    assert situation.first_contact_at is None


def test_accepted_over_48_hours_ago_without_contact_is_flagged(accept):
    situation = accept(accepted_at=utcnow() - timedelta(hours=49))
    assert outreach.outreach_summary(situation).overdue is True


def test_accepted_under_48_hours_ago_is_not_flagged(accept):
    situation = accept(accepted_at=utcnow() - timedelta(hours=47))
    assert outreach.outreach_summary(situation).overdue is False


def test_contact_made_late_is_not_flagged(risk_setting, accept, attempt_args):
    accepted_at = utcnow() - timedelta(hours=60)
    situation = accept(accepted_at=accepted_at)
    outreach.record_attempt(risk_setting.harm_user, situation,
                            **attempt_args(attempted_at=accepted_at + timedelta(hours=50)))
    summary = outreach.outreach_summary(situation)
    assert (summary.overdue, summary.hours_to_first_contact) == (False, 50.0)


# --- the situation page's outreach section --------------------------------------------------

def _render_section(app, user, situation) -> str:
    with app.test_request_context():
        login_user(user)
        html = render_template("risk/_situation_outreach.html", situation=situation)
        logout_user()
    return html


def test_the_section_lists_attempts_and_hours_to_first_contact(app, risk_setting, accept,
                                                               attempt_args):
    accepted_at = utcnow() - timedelta(hours=30)
    situation = accept(accepted_at=accepted_at)
    outreach.record_attempt(risk_setting.harm_user, situation, **attempt_args(
        attempted_at=accepted_at + timedelta(hours=12, minutes=30)))
    db.session.commit()
    html = _render_section(app, risk_setting.harm_user, situation)
    assert "12.5 hours after acceptance" in html
    assert "Harm Reduction Test Org" in html and "Naloxone kit" in html
    assert "Police present" in html


def test_the_section_shows_the_48_hour_flag(app, risk_setting, accept):
    situation = accept(accepted_at=utcnow() - timedelta(hours=50))
    assert "No contact after 48 hours" in _render_section(app, risk_setting.harm_user, situation)


def test_the_section_offers_logging_to_an_assigned_agency(app, risk_setting, accept):
    situation = accept()
    assert "Log an attempt" in _render_section(app, risk_setting.treatment_user, situation)


def test_the_section_hides_logging_from_an_unassigned_member(app, risk_setting, accept):
    situation = accept()
    assert "Log an attempt" not in _render_section(app, risk_setting.police_user, situation)


# --- the attempt form -----------------------------------------------------------------------

def _form(risk_setting, when, **overrides) -> dict:
    data = {"attempted_at": to_local(when).strftime("%Y-%m-%dT%H:%M"),
            "organization_id": str(risk_setting.treatment.id), "mode": "phone",
            "team": ["peer", "police_uniformed"], "result": "contact_person",
            "services_offered": ["naloxone_kit", "treatment_referral"],
            "services_accepted": ["treatment_referral"], "note": "Called back the next day."}
    data.update(overrides)
    return data


def test_an_assigned_member_logs_an_attempt_in_local_time(client, login, risk_setting, accept):
    situation = accept(accepted_at=utcnow() - timedelta(hours=10))
    login(risk_setting.treatment_user)
    when = (utcnow() - timedelta(hours=3)).replace(second=0, microsecond=0)
    response = client.post(f"/situations/{situation.id}/attempts/new",
                           data=_form(risk_setting, when))
    assert response.status_code == 302
    attempt = db.session.scalar(select(OutreachAttempt))
    assert attempt.attempted_at == when
    assert attempt.police_present is True
    assert situation.first_contact_at == when


def test_the_form_refuses_an_accepted_service_not_offered(client, login, risk_setting, accept):
    situation = accept()
    login(risk_setting.treatment_user)
    response = client.post(f"/situations/{situation.id}/attempts/new", data=_form(
        risk_setting, utcnow() - timedelta(hours=1), services_offered=[],
        services_accepted=["housing"]))
    assert response.status_code == 400
    assert "can only be accepted if it was offered" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutreachService.id))) == 0
    assert attempts_count() == 0


def test_the_form_keeps_a_future_time_as_a_field_message(client, login, risk_setting, accept):
    situation = accept()
    login(risk_setting.treatment_user)
    response = client.post(f"/situations/{situation.id}/attempts/new",
                           data=_form(risk_setting, utcnow() + timedelta(days=1)))
    assert response.status_code == 400
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert attempts_count() == 0


@pytest.mark.parametrize("who, status", [
    ("harm_user", 200), ("treatment_user", 200), ("coordinator", 200), ("police_user", 403),
    ("outsider", 404), ("unseated_coordinator", 404)])
def test_who_may_open_the_attempt_form(client, login, risk_setting, accept, who, status):
    situation = accept()
    login(getattr(risk_setting, who))
    assert client.get(f"/situations/{situation.id}/attempts/new").status_code == status


def test_a_concluded_situation_takes_no_more_attempts(client, login, risk_setting, accept):
    situation = accept()
    situation.status, situation.outcome, situation.risk_status = "concluded", "informed", "lowered"
    situation.concluded_on = to_local(utcnow()).date()
    db.session.commit()
    login(risk_setting.harm_user)
    assert client.get(f"/situations/{situation.id}/attempts/new").status_code == 403


def test_an_outsider_cannot_post_an_attempt(client, login, risk_setting, accept):
    situation = accept()
    login(risk_setting.outsider)
    response = client.post(f"/situations/{situation.id}/attempts/new",
                           data=_form(risk_setting, utcnow() - timedelta(hours=1)))
    assert response.status_code == 404
    assert attempts_count() == 0


@pytest.mark.parametrize(("who", "agency"), [("harm_user", "harm_reduction"),
                                             ("treatment_user", "treatment")])
def test_the_attempt_form_starts_with_the_agency_the_member_sits_for(client, login, risk_setting,
                                                                      accept, who, agency):
    situation = accept()
    login(getattr(risk_setting, who))
    body = client.get(f"/situations/{situation.id}/attempts/new").get_data(as_text=True)
    assert f'<option selected value="{getattr(risk_setting, agency).id}">' in body


def test_a_coordinator_of_an_unassigned_agency_chooses_the_agency(client, login, risk_setting,
                                                                  accept):
    situation = accept()
    login(risk_setting.coordinator)
    body = client.get(f"/situations/{situation.id}/attempts/new").get_data(as_text=True)
    assert '<option selected value="">' in body


def test_the_situation_page_queries_do_not_grow_with_attempts_agencies_or_discussions(
        client, login, risk_setting, accept, attempt_args):
    from coalition.risk.models import RiskSituation, SituationDiscussion
    from tests.conftest import counting_queries

    situation = accept()
    login(risk_setting.harm_user)
    situation_id = situation.id

    def page_queries() -> int:
        db.session.expire_all()
        db.session.expunge(db.session.get(RiskSituation, situation_id))  # as a new request
        with counting_queries() as statements:
            response = client.get(f"/situations/{situation_id}")
        assert response.status_code == 200
        return len(statements)

    few = page_queries()
    situation = db.session.get(RiskSituation, situation_id)
    for user, org in ((risk_setting.harm_user, risk_setting.harm_reduction),
                      (risk_setting.treatment_user, risk_setting.treatment)):
        for _ in range(3):
            outreach.record_attempt(user, situation, **attempt_args(
                organization_id=org.id, services={"naloxone_kit": True, "housing": False,
                                                  "food": True}))
        db.session.add(SituationDiscussion(situation=situation, user_id=user.id, note="Seen"))
    db.session.add(SituationAgency(situation=situation, organization=risk_setting.health,
                                   role="assisting"))
    db.session.commit()
    many = page_queries()
    assert many == few <= 6
    page = client.get(f"/situations/{situation.id}").get_data(as_text=True)
    assert page.count("Naloxone kit, Housing, Food") == 6
    assert page.count(f"Recorded by {risk_setting.treatment_user.name},") == 1
    assert "Test Health Department" in page
