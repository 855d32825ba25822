"""Creating situations (filter 2): rules, code numbering, referrals and identifier warnings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.risk import services as risk
from coalition.risk.models import OutreachReferral, RiskSituation


def _create(setting, values, **overrides):
    return risk.create_situation(setting.police_user, setting.table, **dict(values, **overrides))


def test_a_situation_gets_the_next_code_of_its_year(risk_setting, situation_values):
    first = _create(risk_setting, situation_values)
    second = _create(risk_setting, situation_values)
    year = local_today().year
    assert (first.code, second.code) == (f"RS-{year}-0001", f"RS-{year}-0002")


def test_numbering_continues_after_the_highest_code_of_the_year(
        risk_setting, situation_values, make_situation):
    make_situation(risk_setting.table, risk_setting.police, code="RS-2024-0041")
    situation = _create(risk_setting, situation_values, presented_on=date(2024, 5, 1))
    assert situation.code == "RS-2024-0042"


def test_numbering_starts_again_each_year(risk_setting, situation_values, make_situation):
    make_situation(risk_setting.table, risk_setting.police, code="RS-2024-0007")
    situation = _create(risk_setting, situation_values, presented_on=date(2023, 12, 31))
    assert situation.code == "RS-2023-0001"


def test_a_taken_code_is_skipped_when_the_insert_collides(
        risk_setting, situation_values, make_situation, monkeypatch):
    from coalition.core import codes

    make_situation(risk_setting.table, risk_setting.police, code="RS-2024-0001")
    proposals = iter([0, 1])  # the first read misses 0001, taken by a concurrent insert
    monkeypatch.setattr(codes, "latest_number", lambda column, prefix: next(proposals))
    situation = _create(risk_setting, situation_values, presented_on=date(2024, 2, 2))
    db.session.commit()
    assert situation.code == "RS-2024-0002"


def test_a_new_situation_is_new_and_keeps_its_risk_factors(risk_setting, situation_values):
    situation = _create(risk_setting, situation_values)
    db.session.commit()
    assert situation.status == "new"
    assert [t.code for t in situation.risk_factors] == ["prior_overdose"]


def test_creation_is_audited_without_the_description(risk_setting, situation_values):
    situation = _create(risk_setting, situation_values)
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "create", AuditEvent.object_type == "risk_situations",
        AuditEvent.object_id == situation.id)).one()
    assert situation.code in event.summary
    assert "housing" not in event.summary


def test_only_a_risk_review_table_takes_situations(risk_setting, situation_values, make_table):
    with pytest.raises(ServiceError):
        risk.create_situation(risk_setting.police_user, make_table("ofr"), **situation_values)


def test_the_originating_agency_must_be_seated_at_the_table(
        risk_setting, situation_values, make_org):
    with pytest.raises(ServiceError) as error:
        _create(risk_setting, situation_values, originating_organization_id=make_org().id)
    assert error.value.field == "originating_organization_id"


def test_a_future_presentation_date_is_refused(risk_setting, situation_values):
    with pytest.raises(ServiceError) as error:
        _create(risk_setting, situation_values, presented_on=local_today() + timedelta(days=2))
    assert error.value.field == "presented_on"


@pytest.mark.parametrize("field, value", [("level", "nation"), ("age_range", "old"),
                                          ("consent_status", "maybe"),
                                          ("referral_source", "rumour")])
def test_codes_outside_the_vocabularies_are_refused(risk_setting, situation_values, field,
                                                    value):
    with pytest.raises(ServiceError) as error:
        _create(risk_setting, situation_values, **{field: value})
    assert error.value.field == field


def test_a_term_of_another_vocabulary_is_refused_as_risk_factor(risk_setting, situation_values):
    from coalition.core.vocab import term_by_code

    sector = term_by_code("sector", "public_health")
    with pytest.raises(ServiceError) as error:
        _create(risk_setting, situation_values, risk_factor_ids=[sector.id])
    assert error.value.field == "risk_factor_ids"


def test_a_referral_is_marked_converted(risk_setting, situation_values):
    from coalition.core.db import utcnow

    referral = OutreachReferral(table_id=risk_setting.table.id, agency="Police",
                                incident_number="24-001", occurred_at=utcnow())
    db.session.add(referral)
    db.session.commit()
    situation = _create(risk_setting, situation_values, referral=referral)
    db.session.commit()
    assert (referral.status, referral.situation_id) == ("converted", situation.id)


@pytest.mark.parametrize("summary", [
    "Born 03/14/1990, overdosed twice.", "DOB 1990-03-14, overdosed twice.",
    "Reach him at (555) 123-4567.", "Writes from jdoe@example.org sometimes.",
    "John Smith overdosed near the park."])
def test_identifiers_in_the_summary_are_warned_about(risk_setting, situation_values, summary):
    situation = _create(risk_setting, situation_values, summary=summary)
    assert situation.warnings


def test_a_de_identified_summary_gets_no_warning(risk_setting, situation_values):
    assert _create(risk_setting, situation_values).warnings == []


def test_warnings_do_not_refuse_the_situation(risk_setting, situation_values):
    _create(risk_setting, situation_values, summary="John Smith, 555-123-4567")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(RiskSituation.id))) == 1


def test_table_situations_query_lists_only_that_table(risk_setting, make_situation):
    mine = make_situation(risk_setting.table, risk_setting.police)
    make_situation(risk_setting.other_table, risk_setting.police)
    assert list(db.session.scalars(risk.table_situations_query(risk_setting.table))) == [mine]


def test_the_description_can_be_corrected_while_new(risk_setting, situation_values,
                                                    new_situation):
    risk.update_situation(risk_setting.police_user, new_situation,
                          **dict(situation_values, age_range="35_44"))
    db.session.commit()
    assert new_situation.age_range == "35_44"


def test_a_decided_situation_cannot_be_edited(risk_setting, situation_values,
                                             accepted_situation):
    with pytest.raises(ServiceError):
        risk.update_situation(risk_setting.police_user, accepted_situation, **situation_values)
