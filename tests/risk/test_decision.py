"""The table's decision (filter 3): acceptance with agencies, rejection with the purge, and the
``flask purge-rejected`` safety net."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, text

from coalition.core.errors import ServiceError
from coalition.core.models import AuditEvent
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.risk import services as risk
from coalition.risk.models import (
    RiskSituation,
    SituationAgency,
    SituationIdentity,
    situation_risk_factors,
)


def _reject(setting, situation, reason="Not acutely elevated: one agency can help."):
    risk.decide_situation(setting.coordinator, situation, accepted=False, reason=reason)
    db.session.commit()


def _count(model, situation):
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(
        model.situation_id == situation.id))


def _risk_factor_links(situation):
    return db.session.scalar(db.select(db.func.count()).select_from(situation_risk_factors)
                             .where(situation_risk_factors.c.situation_id == situation.id))


def test_rejection_purges_the_description(risk_setting, new_situation):
    _reject(risk_setting, new_situation)
    db.session.expire_all()
    row = db.session.get(RiskSituation, new_situation.id)
    assert (row.level, row.age_range, row.consent_status) == (None, None, None)
    assert (row.gender, row.language, row.summary, row.protective_factors) == ("",) * 4


def test_rejection_keeps_the_minimal_fields(risk_setting, new_situation):
    presented_on = new_situation.presented_on
    _reject(risk_setting, new_situation, reason="One agency can address it.")
    db.session.expire_all()
    row = db.session.get(RiskSituation, new_situation.id)
    assert row.status == "rejected"
    assert row.presented_on == presented_on
    assert row.originating_organization_id == risk_setting.police.id
    assert row.rejection_reason == "One agency can address it."
    assert row.decided_on is not None


def test_rejection_deletes_the_risk_factor_links(risk_setting, new_situation):
    _reject(risk_setting, new_situation)
    assert _risk_factor_links(new_situation) == 0


def test_rejection_needs_a_reason(risk_setting, new_situation):
    with pytest.raises(ServiceError) as error:
        risk.decide_situation(risk_setting.coordinator, new_situation, accepted=False, reason=" ")
    assert error.value.field == "reason"


def test_the_rejected_is_minimal_check_refuses_leftover_description(risk_setting, new_situation):
    _reject(risk_setting, new_situation)
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError from either database
        with db.session.begin_nested():
            db.session.execute(text("UPDATE risk_situations SET summary = 'John' WHERE id = :i"),
                               {"i": new_situation.id})
    db.session.rollback()


def test_acceptance_assigns_lead_and_assisting_agencies(risk_setting, accepted_situation):
    roles = {a.organization_id: a.role for a in accepted_situation.agencies}
    assert roles == {risk_setting.harm_reduction.id: "lead", risk_setting.treatment.id: "assisting"}
    assert accepted_situation.accepted_at is not None


def test_acceptance_needs_a_lead_agency(risk_setting, new_situation):
    with pytest.raises(ServiceError) as error:
        risk.decide_situation(risk_setting.coordinator, new_situation, accepted=True)
    assert error.value.field == "lead_organization_id"


def test_the_lead_agency_must_be_seated(risk_setting, new_situation, make_org):
    with pytest.raises(ServiceError) as error:
        risk.decide_situation(risk_setting.coordinator, new_situation, accepted=True,
                              lead_organization_id=make_org().id)
    assert error.value.field == "lead_organization_id"


def test_the_lead_cannot_also_assist(risk_setting, new_situation):
    org_id = risk_setting.harm_reduction.id
    with pytest.raises(ServiceError) as error:
        risk.decide_situation(risk_setting.coordinator, new_situation, accepted=True,
                              lead_organization_id=org_id, assisting_organization_ids=[org_id])
    assert error.value.field == "assisting_organization_ids"


def test_a_decided_situation_cannot_be_decided_again(risk_setting, accepted_situation):
    with pytest.raises(ServiceError):
        risk.decide_situation(risk_setting.coordinator, accepted_situation, accepted=False,
                              reason="Changed our minds")


def test_the_decision_is_audited(risk_setting, new_situation):
    _reject(risk_setting, new_situation)
    assert db.session.scalar(db.select(AuditEvent.id).where(
        AuditEvent.action == "reject", AuditEvent.object_id == new_situation.id)) is not None


def test_agencies_can_be_swapped_on_an_accepted_situation(risk_setting, accepted_situation):
    risk.set_agencies(risk_setting.coordinator, accepted_situation,
                      lead_organization_id=risk_setting.treatment.id,
                      assisting_organization_ids=[risk_setting.harm_reduction.id])
    db.session.commit()
    roles = {a.organization_id: a.role for a in accepted_situation.agencies}
    assert roles == {risk_setting.treatment.id: "lead", risk_setting.harm_reduction.id: "assisting"}


def test_agencies_are_not_set_on_a_new_situation(risk_setting, new_situation):
    with pytest.raises(ServiceError):
        risk.set_agencies(risk_setting.coordinator, new_situation,
                          lead_organization_id=risk_setting.treatment.id)


def _leftover(setting, make_situation):
    """A rejected situation whose links were written around the service (raw inserts)."""
    situation = make_situation(setting.table, setting.police, status="rejected", level=None,
                               age_range=None, consent_status=None, summary="",
                               rejection_reason="Not acute")
    factor = term_by_code("risk_factor_category", "housing")
    db.session.execute(insert(situation_risk_factors).values(situation_id=situation.id,
                                                             term_id=factor.id))
    db.session.execute(insert(SituationAgency).values(
        situation_id=situation.id, organization_id=setting.police.id, role="lead"))
    db.session.execute(insert(SituationIdentity).values(
        situation_id=situation.id, name_encrypted="token"))
    db.session.commit()
    return situation


def test_purge_rejected_removes_leftovers(risk_setting, make_situation, runner):
    situation = _leftover(risk_setting, make_situation)
    result = runner.invoke(args=["purge-rejected"])
    assert "purged: 1" in result.output
    assert (_risk_factor_links(situation), _count(SituationAgency, situation),
            _count(SituationIdentity, situation)) == (0, 0, 0)


def test_purge_rejected_is_idempotent(risk_setting, make_situation, runner):
    _leftover(risk_setting, make_situation)
    runner.invoke(args=["purge-rejected"])
    assert "purged: 0" in runner.invoke(args=["purge-rejected"]).output


def test_purge_rejected_leaves_accepted_situations_alone(risk_setting, accepted_situation):
    assert risk.purge_rejected() == 0
    assert len(accepted_situation.agencies) == 2
