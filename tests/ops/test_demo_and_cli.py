"""Demo data and the operational commands."""

from sqlalchemy import func, select

from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent, User
from coalition.extensions import db
from coalition.roster.models import (
    Affiliation,
    CoalitionTable,
    Organization,
    Person,
    TableMembership,
)


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_creates_a_realistic_coalition(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert 18 <= _count(Organization) <= 25
    assert 35 <= _count(Person) <= 45
    kinds = set(db.session.scalars(select(CoalitionTable.kind)))
    assert kinds == {"coalition", "risk_review", "ofr"}
    emails = set(db.session.scalars(select(User.email)))
    assert {"coordinator@example.org", "leader@example.org", "member@example.org"} <= emails
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "seed_demo"))


def test_every_demo_seat_is_for_an_organization_the_person_belongs_to(runner):
    runner.invoke(args=["seed-demo"])
    orphan_seats = db.session.scalar(
        select(func.count(TableMembership.id)).where(
            ~select(Affiliation.id).where(
                Affiliation.person_id == TableMembership.person_id,
                Affiliation.organization_id == TableMembership.organization_id,
            ).exists()
        )
    )
    assert orphan_seats == 0


def test_demo_has_agreements_about_to_expire(runner, app):

    from coalition.roster.services import agreement_alerts

    runner.invoke(args=["seed-demo"])
    alerts = agreement_alerts(local_today(), 60)
    assert {alert["status"] for alert in alerts} == {"expired", "expiring"}


def test_seed_demo_if_empty_leaves_an_existing_database_alone(runner):
    runner.invoke(args=["seed-demo"])
    before = _count(Organization)
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert _count(Organization) == before


def test_seed_demo_refuses_a_database_with_accounts(runner, make_user):
    make_user("coordinator")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert _count(Organization) == 0


def test_demo_logins_work(runner, client):
    runner.invoke(args=["seed-demo"])
    response = client.post("/login", data={"email": "Coordinator@Example.org",
                                           "password": "coalition-demo"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
