"""A recommendation's page reads its work plan once (the progress is counted from the items
shown), its gaps with their case counts in one query and its partners with it: the same as
counting each in SQL, and the queries do not grow with what it holds."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from coalition.actions.models import ActionItem
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.models import Recommendation
from coalition.gaps.services.recommendations import Progress
from tests.conftest import counting_queries


def _plan(review, recommendation, today):
    """Items done, cancelled, open and overdue, blocked and overdue, open and due later, in
    progress and due today."""
    made = []
    for n, (status, days) in enumerate([("done", -30), ("cancelled", -30), ("open", -3),
                                        ("blocked", -1), ("open", 20), ("in_progress", 0),
                                        ("done", 5)]):
        item = gaps.add_work_item(review.manager, recommendation, title=f"Step {n}",
                                  owner_id=review.member.person_id,
                                  due_on=today + timedelta(days=max(days, 0) + 1))
        made.append((item.id, status, today + timedelta(days=days)))
    db.session.flush()
    for item_id, status, due_on in made:
        db.session.execute(update(ActionItem).where(ActionItem.id == item_id)
                           .values(status=status, due_on=due_on))
    db.session.commit()
    db.session.expire_all()


def test_the_progress_of_the_items_read_is_the_counted_one(review, make_recommendation, today):
    recommendation = make_recommendation()
    assert gaps.progress_from(gaps.work_items(recommendation), today) == \
        gaps.progress_of([recommendation.id], today)[recommendation.id]
    _plan(review, recommendation, today)
    items = gaps.work_items(recommendation)
    assert len(items) == 7
    for day in (today, today - timedelta(days=2), today + timedelta(days=30)):
        assert gaps.progress_from(items, day) == \
            gaps.progress_of([recommendation.id], day)[recommendation.id]
    assert gaps.progress_from(items, today) == Progress(2, 6, 2)


def test_the_gaps_come_with_their_case_counts(review, make_gap, make_recommendation):
    linked, plain, other = make_gap("B linked"), make_gap("A plain"), make_gap("Not used")
    gaps.link_missed(review.manager, review.release, linked)
    gaps.link_missed(review.manager, review.overdose, linked)
    gaps.link_missed(review.manager, review.overdose, other)  # moves one away
    db.session.commit()
    recommendation = make_recommendation(gap_ids=[linked.id, plain.id])
    rows = gaps.gaps_of_recommendation(recommendation.id)
    counts = gaps.gap_counts([g.id for g in recommendation.gaps])
    assert [(g.id, g.code, g.title, g.cases) for g in rows] == [
        (g.id, g.code, g.title, counts[g.id][0]) for g in recommendation.gaps]
    assert [g.cases for g in rows] == [1, 0]
    assert gaps.gaps_of_recommendation(make_recommendation().id) == []


def test_the_page_shows_them_and_its_queries_do_not_grow(client, login, review, make_gap,
                                                         make_recommendation, today):
    first, second = make_gap("First gap"), make_gap("Second gap")
    gaps.link_missed(review.manager, review.release, first)
    db.session.commit()
    recommendation = make_recommendation(gap_ids=[first.id],
                                         partner_ids=[review.police.id])
    login(review.manager)
    url = f"/recommendations/{recommendation.id}"
    client.get(url)
    db.session.expire_all()
    with counting_queries() as small:
        page = client.get(url).get_data(as_text=True)
    assert f'{first.code}</a> First gap (1 case)' in page and review.police.name in page
    assert "No action item yet." in page

    _plan(review, recommendation, today)
    stored = db.session.get(Recommendation, recommendation.id)
    gaps.update_recommendation(review.manager, stored, **_same(stored, gap_ids=[
        first.id, second.id], partner_ids=[review.police.id, review.ems.id]))
    db.session.commit()
    client.get(url)  # choices kept for the data as it now is, as before the small count
    db.session.expire_all()
    with counting_queries() as large:
        page = client.get(url).get_data(as_text=True)
    assert "Work plan — 2 of 6 done (33 %), 2 overdue</h2>" in page
    assert f'{second.code}</a> Second gap (0 cases)' in page
    assert f"{review.ems.name}, {review.police.name}" in page or \
        f"{review.police.name}, {review.ems.name}" in page
    assert len(large) == len(small) <= 8


def _same(recommendation, **changes) -> dict:
    values = {"version_id": recommendation.version_id, "text": recommendation.text,
              "scope": recommendation.scope, "target_level": recommendation.target_level,
              "strategy": recommendation.strategy,
              "lead_organization_id": recommendation.lead_organization_id}
    values.update(changes)
    return values


def test_the_status_log_prints_the_updates_as_before(client, login, review,
                                                     make_recommendation, today):
    """The log read as rows prints what ``Recommendation.updates`` printed: newest first (the
    same day by id), the status then, the note, the author when there is one."""
    from markupsafe import escape

    from coalition.core.vocab import term_by_code
    from coalition.gaps.models import RecommendationUpdate

    recommendation = make_recommendation()
    status = term_by_code(gaps.STATUS_VOCABULARY, "in_progress").id
    gaps.post_update(review.manager, recommendation, status_id=status, note="Met the <jail>.",
                     updated_on=today)
    gaps.post_update(review.manager, recommendation, status_id=status, note="",
                     updated_on=today)
    gaps.post_update(None, recommendation, status_id=status, note="By the system & co.",
                     updated_on=today)
    db.session.commit()
    db.session.expire_all()
    updates = db.session.get(Recommendation, recommendation.id).updates
    assert len(updates) == 3 and isinstance(updates[0], RecommendationUpdate)
    expected = "".join(
        f"<li>{u.updated_on.isoformat()} — {escape(u.status.label)}"
        + (f': <span class="pre-line">{escape(u.note)}</span>' if u.note else "")
        + (f" ({escape(u.user.name)})" if u.user else "") + "</li>" for u in updates)
    login(review.manager)
    page = client.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
    assert f"<ul>{expected}</ul>" in page
    assert "(None)" not in page


def test_the_page_reads_what_the_services_read(review, make_recommendation, today):
    """The page reads its work plan and cases with the columns it shows: the same items and
    cases, in the same order, with the same values, as ``work_items`` and ``cases_of``."""
    from coalition.gaps.models import RecommendationCase
    from coalition.gaps.views import recommendations as page

    recommendation = make_recommendation(partner_ids=[review.police.id])
    _plan(review, recommendation, today)
    db.session.add(RecommendationCase(recommendation_id=recommendation.id,
                                      case_id=review.case.id))
    db.session.commit()

    def item_values(items):
        return [(a.id, a.code, a.title, a.status, a.status_label, a.due_on, a.owner.name,
                 a.organization.name if a.organization else None) for a in items]

    def case_values(cases):
        return [(c.id, c.code, c.table.id, c.table.kind, c.table.name) for c in cases]

    params = {"recommendation_id": recommendation.id}
    db.session.expunge_all()
    expected = (item_values(gaps.work_items(recommendation)),
                case_values(gaps.cases_of(recommendation)))
    db.session.expunge_all()
    with counting_queries() as statements:
        read = (item_values(db.session.scalars(page._page_work_items_statement(), params)),
                case_values(db.session.scalars(page._page_cases_statement(), params)))
    assert read == expected and len(expected[0]) == 7 and len(expected[1]) == 1
    assert len(statements) == 2


def test_the_blank_forms_are_kept_per_table_and_follow_the_roster(
        client, login, review, make_recommendation, make_person, seat):
    """The decision and work plan forms shown blank are written once and kept per table until
    the data changes: each table's owners, a new seat shown at once; a form sent back shows
    what was typed."""
    import re

    from coalition.gaps import services as gaps_services

    here = make_recommendation()
    there = gaps_services.create_recommendation(review.manager, review.team, text="At the team",
                                                scope="community")
    db.session.commit()
    login(review.manager)

    def owners(recommendation_id):
        page = client.get(f"/recommendations/{recommendation_id}").get_data(as_text=True)
        assert "Record the decision" in page
        select = re.search(r'<select[^>]*name="owner_id".*?</select>', page, re.S)[0]
        return re.findall(r"<option[^>]*>([^<]*)</option>", select)

    assert "Nurse Member (Test Health)" in owners(here.id)
    assert "Nurse Member (Test Health)" not in owners(there.id)  # seated at the coalition only
    newcomer = make_person("Newly Seated", organizations=[review.police])
    seat(newcomer, review.team, review.police)
    db.session.commit()
    assert "Newly Seated (Test Police)" in owners(there.id)
    assert "Nurse Member (Test Health)" in owners(here.id)
    page = client.get(f"/recommendations/{here.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    sent = client.post(f"/recommendations/{here.id}/action-items",
                       data={"title": "Typed <title>", "owner_id": "", "due_on": "",
                             "csrf_token": token})
    assert sent.status_code == 400
    text = sent.get_data(as_text=True)
    assert 'value="Typed &lt;title&gt;"' in text and "Choose who owns this action item." in text
    again = client.get(f"/recommendations/{here.id}").get_data(as_text=True)
    assert "Typed &lt;title&gt;" not in again
