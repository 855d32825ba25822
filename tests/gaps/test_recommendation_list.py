"""The committee's list reads only the columns it shows: its rows are the recommendations of the
straightforward query (the same filters and order) with their status, lead agency and
finished flag; the page links each to its page and its decision form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update as sa_update

from coalition.actions.models import ActionItem
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


# the rows as the list's template wrote them before their values were written in the view
# (ListedRow): the page must print exactly this
_FORMER_ROWS = """\
  {% for r in items %}
    {% set is_stalled = not r.is_finished and r.last_update_on < cutoff %}
    {% set p = progress[r.id] %}
    <tr{% if is_stalled %} class="table-warning"{% endif %}>
      <td><a href="{{ detail_url(r.id) }}">{{ r.code }}</a> {{ r.text|truncate(110) }}\
{% if r.scope == 'case_specific' %} <span class="badge text-bg-light">Case-specific</span>\
{% endif %}</td>
      <td>{{ r.status_label }}{% if is_stalled %} <span class="badge badge-expired">Stalled\
</span>{% endif %}</td>
      <td>{{ r.lead_name if r.lead_name is not none else '—' }}</td>
      <td>{{ (today - (r.created_at|local_date)).days }} days</td>
      <td>{{ r.last_update_on.isoformat() }}</td>
      <td>{% if p.total %}{{ p.done }}/{{ p.total }}{% if p.overdue %} <span class="badge \
badge-expired">{{ p.overdue }} overdue</span>{% endif %}{% else %}—{% endif %}</td>
      <td class="text-break small">{{ r.blockers|truncate(120) or '—' }}</td>
      {% if may_decide %}<td>{% if r.decision %}{{ labels.decision[r.decision] }}{% endif %}
        {% if r.decision != 'endorsed' and not r.is_finished %}
        {{ decision_form(r.id, r.code) }}{% endif %}</td>{% endif %}
    </tr>
  {% endfor %}
"""


@pytest.mark.parametrize("who", ["member", "leader"])
def test_the_rows_print_what_the_former_template_printed(app, client, login, review,
                                                          committee, today, who):
    from coalition.core.links import RowLinks
    from coalition.gaps.permissions import can_decide
    from coalition.gaps.views.committee import DecisionForms
    from coalition.gaps.views.recommendations import LABELS

    long_text = "Offer naloxone & a treatment <appointment> " * 6
    committee[0].text = long_text.strip()
    committee[0].scope = "case_specific"
    committee[2].blockers = "The county's budget is not voted yet, " * 5
    committee[1].text = "x" * 114  # within truncate's leeway
    gaps.add_work_item(review.manager, committee[2], title="Ask the county",
                       owner_id=review.member.person_id, due_on=today + timedelta(days=1))
    db.session.commit()
    db.session.execute(sa_update(ActionItem).values(due_on=today - timedelta(days=2)))
    db.session.commit()
    login(getattr(review, who))
    page = client.get("/recommendations").get_data(as_text=True)
    shown = re.search(r"<tbody>\n(.*?)  </tbody>", page, re.S)[1]
    rows = db.session.execute(gaps.recommendation_rows_query()).all()
    with app.test_request_context("/recommendations"):
        expected = app.jinja_env.from_string(_FORMER_ROWS).render(
            items=rows, cutoff=gaps.stalled_before(), today=today,
            progress=gaps.progress_of([r.id for r in rows], today), labels=LABELS,
            detail_url=RowLinks("gaps.recommendation_detail", "recommendation_id"),
            decision_form=DecisionForms(), may_decide=can_decide(getattr(review, who)))
    assert _tokenless(shown).strip() == _tokenless(expected).strip()
    assert "Case-specific" in shown and "overdue</span>" in shown and "...</td>" in shown
    assert "table-warning" in shown and "&lt;appointment&gt;" in shown


def _tokenless(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


def test_the_list_queries_do_not_grow(app, client, login, review, committee,
                                      make_recommendation):
    """The signed-in user and the tables they sit at; the page's rows with their count are
    read once, then kept until the data changes (as the figures are)."""
    from tests.conftest import counting_queries

    login(review.leader)
    client.get("/recommendations")
    with counting_queries() as small:
        client.get("/recommendations")
    for _ in range(app.config["PAGE_SIZE"]):
        make_recommendation()
    with counting_queries() as first:
        client.get("/recommendations")
    with counting_queries() as large:
        page = client.get("/recommendations").get_data(as_text=True)
    assert 'href="/recommendations?page=2' in page
    assert len(large) == len(small) == 2
    rows_read = [sql for sql in first if "count(*) OVER ()" in sql]
    assert len(rows_read) == 1 and not [sql for sql in large if "count(*) OVER ()" in sql]


def test_kept_rows_give_way_to_a_change_at_once(client, login, review, committee):
    """The kept page is the list as it is: an update's new status shows on the next view, and
    each filter has rows of its own."""
    def codes(url: str) -> set[str]:
        page = client.get(url).get_data(as_text=True)
        return {r.code for r in committee if f">{r.code}</a>" in page}

    login(review.leader)
    everything = {r.code for r in committee}
    finished = "/recommendations?stalled=finished"
    assert codes(finished) == codes(finished) == {committee[1].code}
    assert codes("/recommendations") == codes("/recommendations") == everything
    gaps.post_update(review.manager, committee[0], status_id=term_by_code(
        gaps.STATUS_VOCABULARY, "declined").id, note="Not this year either.")
    db.session.commit()
    assert codes(finished) == {committee[0].code, committee[1].code}
    assert codes("/recommendations?stalled=active") == everything - codes(finished)
    assert codes("/recommendations") == everything
