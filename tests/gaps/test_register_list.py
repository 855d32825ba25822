"""The register's list reads only the columns it shows: its rows are those of the
straightforward definition (gap objects with their stage, type, sectors, status and counts)
whatever the filters, and the page shows them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.models import GAP_STATUSES
from tests.gaps.conftest import term


def _straightforward(**filters) -> list[dict]:
    listed = list(db.session.scalars(gaps.gap_query(**filters)))
    counts = gaps.gap_counts([gap.id for gap in listed])
    return [{"id": gap.id, "code": gap.code, "title": gap.title, "status": gap.status,
             "status_label": GAP_STATUSES[gap.status],
             "stage": gap.stage.label if gap.stage else None,
             "gap_type": gap.gap_type.label if gap.gap_type else None,
             "sectors": [sector.label for sector in gap.sectors],
             "cases": counts[gap.id][0], "missed": counts[gap.id][1]} for gap in listed]


@pytest.fixture
def register(review, make_gap):
    jail, ems, health = (term("sector", code) for code in
                         ("corrections_jail", "fire_ems", "public_health"))
    plain = make_gap("No naloxone at release")
    several = make_gap("No warm hand-off after an overdose", sector_ids=[health, ems, jail],
                       stage_id=term("stage", "crisis_and_overdose_response"),
                       gap_type_id=term("gap_type", "no_warm_hand_off"))
    bare = make_gap("Nothing typed", stage_id=None, gap_type_id=None, sector_ids=[])
    addressed = make_gap("Being addressed", sector_ids=[ems])
    gaps.update_gap(review.manager, addressed, version_id=addressed.version_id,
                    status="being_addressed", title=addressed.title,
                    stage_id=addressed.stage_id, gap_type_id=addressed.gap_type_id,
                    sector_ids=[ems])
    closed = make_gap("Closed one", sector_ids=[health])
    gaps.update_gap(review.manager, closed, version_id=closed.version_id, status="addressed",
                    title=closed.title, stage_id=closed.stage_id,
                    gap_type_id=closed.gap_type_id, sector_ids=[health])
    duplicate = make_gap("Duplicate of the first")
    gaps.link_missed(review.manager, review.release, several)
    gaps.link_missed(review.manager, review.overdose, several)
    gaps.link_missed(review.manager, review.release, duplicate)  # moves the link
    db.session.commit()
    gaps.merge_gaps(review.manager, duplicate, plain)
    db.session.commit()
    return {"plain": plain, "several": several, "bare": bare, "jail": jail, "ems": ems}


@pytest.mark.parametrize("filters", [
    {}, {"status": "all"}, {"status": "addressed"}, {"status": "being_addressed"},
    {"status": "merged"}, {"status": "all", "sector_id": "ems"},
    {"status": "all", "stage_id": "crisis"}, {"gap_type_id": "hand_off"},
    {"status": "all", "text": "  NALOXONE "}, {"text": "nothing"}])
def test_the_list_rows_are_the_straightforward_ones(register, filters):
    values = dict(filters)
    if values.get("sector_id") == "ems":
        values["sector_id"] = register["ems"]
    if values.get("stage_id") == "crisis":
        values["stage_id"] = term("stage", "crisis_and_overdose_response")
    if values.get("gap_type_id") == "hand_off":
        values["gap_type_id"] = term("gap_type", "no_warm_hand_off")
    rows = gaps.gap_rows(db.session.execute(gaps.gap_list_query(**values)).all())
    assert rows == _straightforward(**values)
    assert all(row["status"] != "merged" for row in rows)


def test_the_counts_and_sectors_are_read_for_the_rows_given(register):
    rows = gaps.gap_rows(db.session.execute(
        gaps.gap_list_query(status="all").where(
            gaps.register.Gap.id == register["several"].id)).all())
    assert [(row["cases"], row["missed"], row["sectors"]) for row in rows] == [
        (1, 1, [s.label for s in register["several"].sectors])]  # one link moved away
    assert len(rows[0]["sectors"]) == 3
    assert gaps.gap_rows([]) == []


def test_the_register_page_shows_the_rows_and_pages_through_them(app, client, login, review,
                                                                  register, make_gap):
    login(review.member)
    page = client.get("/gaps?status=all").get_data(as_text=True)
    several = register["several"]
    assert f'href="/gaps/{several.id}">{several.code}</a> {several.title}' in page
    assert ", ".join(s.label for s in several.sectors) in page
    assert "Duplicate of the first" not in page  # merged
    for _ in range(app.config["PAGE_SIZE"]):
        make_gap("Another gap")
    first = client.get("/gaps?status=all").get_data(as_text=True)
    second = client.get("/gaps?status=all&page=2").get_data(as_text=True)
    assert several.code in second and several.code not in first
    assert len(db.session.scalars(select(gaps.register.Gap.id)).all()) == (
        app.config["PAGE_SIZE"] + 6)


def test_a_page_past_the_end_shows_the_last_page(app, client, login, review, register, make_gap):
    for _ in range(app.config["PAGE_SIZE"]):
        make_gap("Another gap")
    login(review.member)
    last = client.get("/gaps?status=all&page=2").get_data(as_text=True)
    past = client.get("/gaps?status=all&page=99").get_data(as_text=True)
    assert register["plain"].code in last
    assert re.sub(r'name="csrf_token"[^>]*', "", last) == \
        re.sub(r'name="csrf_token"[^>]*', "", past)


def test_the_register_page_queries_do_not_grow(app, client, login, review, make_gap):
    """The signed-in user and the tables they sit at, the page's rows with their count, their
    counts of cases and missed opportunities (the sectors kept)."""
    from tests.conftest import counting_queries

    gaps.link_missed(review.manager, review.release, make_gap("First"))
    db.session.commit()
    login(review.member)
    client.get("/gaps")
    with counting_queries() as small:
        assert "First" in client.get("/gaps").get_data(as_text=True)
    for n in range(app.config["PAGE_SIZE"] + 2):
        make_gap(f"Gap {n}")
    client.get("/gaps")
    with counting_queries() as large:
        page = client.get("/gaps").get_data(as_text=True)
    assert "First" not in page and 'href="/gaps?page=2' in page
    assert len(large) == len(small) == 4
