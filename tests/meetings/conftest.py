"""Fixtures and helpers for the meeting tests (scheduling, templates, agendas, lifecycle)."""

from __future__ import annotations

import pytest

from coalition.extensions import db


@pytest.fixture
def hub(make_table):
    """A weekly risk review table (sees case data)."""
    return make_table("risk_review", name="Harbor Hub", cadence_days=7)


@pytest.fixture
def seated_user(make_user, make_person, make_org, seat):
    """A member account whose person sits at ``table`` with ``role``."""
    def factory(table, role="member", site_role="member"):
        org = make_org()
        person = make_person(organizations=[org])
        seat(person, table, org, role=role)
        return make_user(site_role, person=person)
    return factory


@pytest.fixture
def attest(app):
    """Record that ``user``'s person signed ``meeting``'s confidentiality attestation."""
    from coalition.meetings.models import Attestation

    def factory(user, meeting):
        db.session.add(Attestation(meeting_id=meeting.id, person_id=user.person_id,
                                   method="paper", agreement_version="test"))
        db.session.commit()
    return factory
