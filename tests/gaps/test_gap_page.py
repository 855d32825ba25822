"""A gap's page reads the gap with its sectors and history (and their authors), its missed
opportunities with their case and team, and counts them without another query: the same
counts as the register's, and the queries do not grow with what it holds. Its merge select is
written once per data generation: the same options the select writes itself."""

from __future__ import annotations

import re
from datetime import timedelta

from coalition.core.fields import options
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.forms import MergeForm, written_options
from coalition.gaps.models import GapEvent
from coalition.gaps.views.register import MERGE_BLANK
from tests.conftest import counting_queries
from tests.gaps.conftest import term


def test_the_counts_of_the_missed_read_are_the_register_counts(review, make_gap):
    gap, other = make_gap(), make_gap("Another gap")
    assert gaps.missed_counts(gaps.gap_missed(gap)) == gaps.gap_counts([gap.id])[gap.id]
    gaps.link_missed(review.manager, review.release, gap)
    gaps.link_missed(review.manager, review.overdose, gap)
    db.session.commit()
    assert gaps.missed_counts(gaps.gap_missed(gap)) == gaps.gap_counts([gap.id])[gap.id] \
        == (1, 2)
    gaps.link_missed(review.manager, review.overdose, other)
    db.session.commit()
    for each in (gap, other):
        assert gaps.missed_counts(gaps.gap_missed(each)) == (1, 1)


def test_the_page_queries_do_not_grow_with_its_history_and_missed(
        client, login, review, make_gap, make_user):
    from coalition.ofr import services as ofr

    gap = make_gap()
    gaps.link_missed(review.manager, review.release, gap)
    db.session.commit()
    login(review.manager)
    url = f"/gaps/{gap.id}"
    client.get(url)
    db.session.expire_all()
    with counting_queries() as small:
        page = client.get(url).get_data(as_text=True)
    assert "1 case, 1 missed opportunity" in page

    gaps.link_missed(review.manager, review.overdose, gap)
    case = ofr.create_case(review.manager, review.team, age=30,
                           date_of_death=review.case.date_of_death - timedelta(days=3))
    point = ofr.add_touchpoint(
        review.manager, case, occurred=(case.date_of_death - timedelta(days=2)).isoformat(),
        type_id=term("touchpoint_type", "jail_release"), organization_id=review.jail.id,
        description="Released", is_missed_opportunity=True, rationale="No bridge.",
        gap_type_id=term("gap_type", "no_follow_up_after_discharge_or_release"))
    gaps.link_missed(review.manager, point, gap)
    authors = [make_user("coordinator", name=f"Author {n}") for n in range(3)]
    for author in authors:
        db.session.add(GapEvent(gap_id=gap.id, user_id=author.id, text="Reviewed."))
    for n in range(4):
        make_gap(f"More register {n}")
    db.session.commit()
    client.get(url)  # the merge options kept for the data as it now is
    db.session.expire_all()
    with counting_queries() as large:
        page = client.get(url).get_data(as_text=True)
    assert "2 cases, 3 missed opportunities" in page
    assert all(f"({author.name})" in page for author in authors)
    assert len(large) == len(small) <= 6


def test_the_merge_options_are_the_select_own(app, client, login, review, make_gap):
    gap = make_gap()
    others = [make_gap('Jail & "release" <bridge>'), make_gap("Plain")]
    login(review.manager)
    page = client.get(f"/gaps/{gap.id}").get_data(as_text=True)
    expected = _written([g for g in reversed(others)])
    assert _merge_options(page) == expected
    assert f'value="{gap.id}"' not in _merge_options(page)
    others[1].title = "Renamed"
    db.session.commit()
    page = client.get(f"/gaps/{gap.id}").get_data(as_text=True)
    assert _merge_options(page) == _written([g for g in reversed(others)])
    assert f"{others[1].code} — Renamed</option>" in page


def _written(gaps_listed) -> str:
    form = MergeForm(formdata=None, meta={"csrf": False})
    form.into_id.choices = options([(g.id, f"{g.code} — {g.title}") for g in gaps_listed],
                                   blank=MERGE_BLANK)
    return str(written_options(form.into_id))


def _merge_options(html: str) -> str:
    return re.search(r'<select [^>]*id="into_id"[^>]*>(.*?)</select>', html, re.S)[1]
