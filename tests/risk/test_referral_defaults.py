"""Referrals: an agency not on the roster is never replaced silently by the user's own; the
list names and links the situation a referral was made into."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from coalition.core.db import utcnow
from coalition.extensions import db
from coalition.risk.models import OutreachReferral
from coalition.risk.services.imports import referral_query


def _referral(setting, **fields) -> OutreachReferral:
    referral = OutreachReferral(table_id=setting.table.id, agency="Unlisted Sheriff",
                                incident_number="24-900", occurred_at=utcnow(), **fields)
    db.session.add(referral)
    db.session.commit()
    return referral


def test_an_agency_not_on_the_roster_leaves_the_originating_agency_to_choose(
        client, login, risk_setting):
    referral = _referral(risk_setting)
    login(risk_setting.coordinator)
    body = client.get(f"/tables/{risk_setting.table.id}/situations/new"
                      f"?referral={referral.id}").get_data(as_text=True)
    assert f'<option selected value="{risk_setting.health.id}">' not in body
    assert '<option selected value="">' in body
    assert "Unlisted Sheriff is not on the roster: choose the originating agency" in body


def test_without_a_referral_the_users_own_agency_is_proposed(client, login, risk_setting):
    login(risk_setting.coordinator)
    body = client.get(f"/tables/{risk_setting.table.id}/situations/new").get_data(as_text=True)
    assert f'<option selected value="{risk_setting.health.id}">' in body


def test_the_referral_list_links_the_situation_it_became(client, login, risk_setting,
                                                         new_situation):
    _referral(risk_setting, status="converted", situation_id=new_situation.id)
    login(risk_setting.coordinator)
    body = client.get(f"/tables/{risk_setting.table.id}/referrals?status=converted").get_data(
        as_text=True)
    assert (f'Made situation <a href="/situations/{new_situation.id}">{new_situation.code}</a>'
            in body)


def test_the_referral_list_is_read_in_its_index_order(app, risk_setting):
    """A page of referrals comes from the list's index (no sort of all the table's referrals):
    the ORDER BY is the very expression the index holds."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan is checked; PostgreSQL picks by table size")
    statement = referral_query(risk_setting.table).limit(25).compile(
        db.engine, compile_kwargs={"literal_binds": True})
    plan = " ".join(str(row[-1]) for row in db.session.execute(
        text(f"EXPLAIN QUERY PLAN {statement}")))
    assert "ix_outreach_referrals_open_first" in plan
    assert "TEMP B-TREE" not in plan
