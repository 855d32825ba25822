"""The gap register's and the committee's lists keep their filter terms, sector labels, status
counts and work plan progress between requests: any committed change shows at once."""

from __future__ import annotations

import re

from coalition.core.models import VocabTerm
from coalition.extensions import db
from coalition.gaps import services as gaps
from tests.conftest import counting_queries
from tests.gaps.conftest import term


def test_the_gap_list_shows_a_sector_change_at_once(client, login, review, make_gap):
    gap = make_gap("A gap in the register")
    jail, pharmacy = (db.session.get(VocabTerm, term("sector", code))
                      for code in ("corrections_jail", "pharmacy"))
    login(review.manager)
    assert jail.label in _row(client.get("/gaps").get_data(as_text=True), gap.code)
    gaps.update_gap(review.manager, gap, **_gap_values(gap, sector_ids=[pharmacy.id]))
    db.session.commit()
    row = _row(client.get("/gaps").get_data(as_text=True), gap.code)
    assert pharmacy.label in row and jail.label not in row


def test_the_recommendation_list_counts_follow_a_new_recommendation(
        client, login, review, make_recommendation):
    make_recommendation()
    login(review.manager)
    assert ">1 proposed</a>" in client.get("/recommendations").get_data(as_text=True)
    make_recommendation()
    html = client.get("/recommendations").get_data(as_text=True)
    assert '<a href="/recommendations?status=proposed">2 proposed</a>' in html


def test_the_recommendation_list_reads_kept_figures_without_queries(
        client, login, review, make_recommendation):
    make_recommendation()
    login(review.manager)
    client.get("/recommendations")
    with counting_queries() as warm:
        client.get("/recommendations")
    make_recommendation()  # a change: the kept figures and rows are read again, once
    with counting_queries() as cold:
        client.get("/recommendations")
    assert len(cold) == len(warm) + 3


def _row(html: str, code: str) -> str:
    return re.search(rf"<tr>\s*<td><a [^>]*>{code}</a>.*?</tr>", html, re.S)[0]


def _gap_values(gap, **changes) -> dict:
    values = {"version_id": gap.version_id, "title": gap.title,
              "description": gap.description, "stage_id": gap.stage_id,
              "gap_type_id": gap.gap_type_id, "sector_ids": [s.id for s in gap.sectors]}
    values.update(changes)
    return values


def test_the_gap_filters_written_options_follow_a_renamed_term_and_the_choice(
        client, login, review):
    stage = db.session.get(VocabTerm, term("stage", next(iter(_stage_codes()))))
    login(review.manager)
    assert f'<option value="{stage.id}">{stage.label}</option>' in client.get(
        "/gaps").get_data(as_text=True)
    html = client.get(f"/gaps?stage={stage.id}").get_data(as_text=True)
    assert f'<option selected value="{stage.id}">{stage.label}</option>' in html
    stage.label = "A renamed stage"
    db.session.commit()
    html = client.get(f"/gaps?stage={stage.id}").get_data(as_text=True)
    assert f'<option selected value="{stage.id}">A renamed stage</option>' in html
    assert '<option value="">Any</option>' in html


def _stage_codes():
    from coalition.core import vocab

    return [t.code for t in vocab.terms("stage")]
