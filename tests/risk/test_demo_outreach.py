"""The demo's year of outreach history: attempts with and without police, enough in each group
for an informative interval, the same every time it is seeded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from coalition.core.localtime import local_today
from coalition.core.stats import wilson
from coalition.core.suppression import Policy
from coalition.extensions import db
from coalition.reporting import periods
from coalition.risk import reports
from coalition.risk.models import OutreachAttempt, RiskSituation
from coalition.risk.services.comparison import quarterly_tallies
from coalition.roster.models import CoalitionTable


@pytest.fixture
def demo_hub(app):
    from coalition.demo import seed_demo

    seed_demo()
    db.session.commit()
    return db.session.scalar(select(CoalitionTable).where(
        CoalitionTable.name == "Alder Situation Table"))


def _last_year() -> int:
    return local_today().year - 1


def _groups(hub):
    year = _last_year()
    by_quarter = quarterly_tallies(hub.id, start=date(year, 1, 1), end=date(year, 12, 31))
    return by_quarter, {flag: (sum(q[flag].attempts for q in by_quarter.values()),
                               sum(q[flag].contacts for q in by_quarter.values()))
                        for flag in (True, False)}


def test_the_demo_year_has_enough_attempts_with_and_without_police(demo_hub):
    by_quarter, groups = _groups(demo_hub)
    assert sorted(by_quarter) == [(_last_year(), q) for q in (1, 2, 3, 4)]
    for attempts, contacts in groups.values():
        assert attempts >= 80 and 15 <= contacts <= attempts - 15
        interval = wilson(contacts, attempts)
        assert interval.high - interval.low < 0.2  # informative: narrower than 20 points


def test_the_demo_history_is_the_same_every_time(demo_hub):
    """One seeded generator; the history ends early enough that no date clamps change it."""
    _, groups = _groups(demo_hub)
    assert groups == {True: (159, 74), False: (158, 83)}
    assert db.session.scalar(select(func.count(RiskSituation.id)).where(
        RiskSituation.table_id == demo_hub.id)) == 240 + 6


def test_the_demo_history_obeys_the_workflow(demo_hub):
    year = RiskSituation.presented_on < date(_last_year() + 1, 1, 1)
    assert not db.session.scalar(select(func.count(RiskSituation.id)).where(
        year, RiskSituation.status.in_(("new", "accepted"))))
    early = db.session.scalar(select(func.count(OutreachAttempt.id)).join(RiskSituation).where(
        OutreachAttempt.attempted_at < RiskSituation.accepted_at))
    assert early == 0
    assert not db.session.scalar(select(func.count(RiskSituation.id)).where(
        RiskSituation.concluded_on < RiskSituation.presented_on))


def test_the_public_report_of_the_demo_year_compares_the_two_groups(demo_hub):
    context = reports.build(None, demo_hub, periods.year(_last_year()), "public", Policy())
    police = context["police"]
    assert "*" not in police["difference_text"]
    assert police["caution"] == ""
    assert [row["label"] for row in police["trend"]] == [
        f"Q{q} {_last_year()}" for q in (1, 2, 3, 4)]

