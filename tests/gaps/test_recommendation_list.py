"""The committee's list reads only the columns it shows: its rows are the recommendations of the
straightforward query (the same filters and order) with their status, lead agency and
finished flag; the page links each to its page and its decision form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coalition.core.localtime import local_today
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.models import DECISIONS, FINISHED_STATUSES, Recommendation


def _straightforward(**filters) -> list[tuple]:
    return [(r.id, r.code, r.text, r.scope, r.blockers, r.decision, r.created_at,
             r.last_update_on, r.status.label, r.is_finished,
             r.lead_organization.name if r.lead_organization else None)
            for r in db.session.scalars(gaps.recommendation_query(**filters))]


@pytest.fixture
def committee(review, make_recommendation):
    today = local_today()
    made = [make_recommendation(), make_recommendation(lead_organization_id=review.police.id),
            make_recommendation(lead_organization_id=None),
            make_recommendation(lead_organization_id=review.ems.id)]
    gaps.post_update(review.manager, made[1], status_id=term_by_code(
        gaps.STATUS_VOCABULARY, "declined").id, note="Not this year.")
    gaps.decide(review.manager, made[3], decision="endorsed")
    made[0].last_update_on = today - timedelta(days=400)  # stalled
    made[2].last_update_on = today - timedelta(days=200)
    made[2].blockers = "Waiting for the county's budget."
    db.session.commit()
    return made


@pytest.mark.parametrize("filters", [
    {}, {"stalled_only": True}, {"finished": True}, {"finished": False},
    {"status_code": "declined"}, {"lead_name": "police"}, {"lead_name": "TEST"},
    {"lead_name": "nobody"}, {"lead_organization_id": "police"}])
def test_the_list_rows_are_the_straightforward_ones(review, committee, filters):
    if filters.get("lead_organization_id") == "police":
        filters = {"lead_organization_id": review.police.id}
    rows = [tuple(row) for row in db.session.execute(gaps.recommendation_rows_query(**filters))]
    assert rows == _straightforward(**filters)
    assert rows or filters.get("lead_name") == "nobody"


def test_finished_follows_the_status(review, committee):
    rows = db.session.execute(gaps.recommendation_rows_query()).all()
    assert {row.code: row.is_finished for row in rows} == {
        r.code: r.status.code in FINISHED_STATUSES for r in committee}
    assert sum(row.is_finished for row in rows) == 1


def test_the_page_links_each_row_and_its_decision(client, login, review, committee):
    login(review.leader)
    page = client.get("/recommendations").get_data(as_text=True)
    for recommendation in committee:
        assert f'<a href="/recommendations/{recommendation.id}">{recommendation.code}</a>' in page
    open_ones = [r for r in committee if not r.is_finished and r.decision != "endorsed"]
    for recommendation in committee:
        action = f'action="/recommendations/{recommendation.id}/decision"'
        assert (action in page) == (recommendation in open_ones)
    options = "".join(f'<option value="{code}">{label}</option>'
                      for code, label in DECISIONS.items())
    assert page.count(f'name="decision">{options}</select>') == len(open_ones)
    assert "Waiting for the county&#39;s budget." in page
    assert db.session.get(Recommendation, committee[0].id).lead_organization.name in page


def test_the_status_filter_offers_the_active_statuses_and_counts_them_all(client, login,
                                                                          review, committee):
    from coalition.core import vocab

    retired = term_by_code(gaps.STATUS_VOCABULARY, "declined")
    retired.is_active = False
    db.session.commit()
    rows = gaps.status_rows()
    assert [(code, label) for code, label, _, active in rows if active] == [
        (t.code, t.label) for t in vocab.terms(gaps.STATUS_VOCABULARY)]
    assert [row[:3] for row in rows] == gaps.status_counts()
    assert ("declined", retired.label, 1) in gaps.status_counts()
    login(review.leader)
    page = client.get("/recommendations").get_data(as_text=True)
    assert '<option value="declined">' not in page.split("<table")[0]
    assert f'status=declined">1 {retired.label.lower()}</a>' in page


def test_the_age_counts_in_the_coalitions_days(client, login, review, committee):
    """Made in the coalition's late evening (already tomorrow in UTC): 0 days old, not -1."""
    from datetime import datetime, time

    from coalition.core.localtime import local_zone

    evening = datetime.combine(local_today(), time(23, 30), tzinfo=local_zone())
    for recommendation in committee:
        recommendation.created_at = evening
    db.session.commit()
    login(review.leader)
    page = client.get("/recommendations").get_data(as_text=True)
    assert "<td>0 days</td>" in page and "-1 days" not in page
