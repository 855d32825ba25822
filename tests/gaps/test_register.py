"""The gap register: gaps, links from missed opportunities, counts computed from the links,
suggestions of existing gaps, merging with the history kept, and the screens' need-to-know."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coalition.core.errors import ServiceError
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.models import Gap, GapLink
from tests.conftest import count
from tests.gaps.conftest import term


def test_a_gap_gets_a_code_and_its_history_starts(make_gap):
    gap = make_gap()
    assert gap.code == "GAP-0001" and gap.status == "identified"
    assert [event.text for event in gap.events] == ["Recorded."]
    assert [s.code for s in gap.sectors] == ["corrections_jail"]


@pytest.mark.parametrize(("field", "value"), [
    ("title", ""), ("stage_id", "abc"), ("gap_type_id", "999999"),
    ("sector_ids", ["999999"])])
def test_bad_values_are_refused_at_their_field(review, field, value):
    values = {"title": "A gap", field: value}
    with pytest.raises(ServiceError) as refused:
        gaps.create_gap(review.manager, **values)
    assert refused.value.field == field
    db.session.rollback()
    assert count(Gap) == 0


def test_counts_come_from_the_links_never_typed(review, make_gap):
    gap = make_gap()
    assert gaps.gap_counts([gap.id]) == {gap.id: (0, 0)}
    gaps.link_missed(review.manager, review.release, gap)
    gaps.link_missed(review.manager, review.overdose, gap)
    db.session.commit()
    assert gaps.gap_counts([gap.id]) == {gap.id: (1, 2)}  # one case, two missed opportunities


def test_a_missed_opportunity_belongs_to_one_gap_and_can_move(review, make_gap):
    first, second = make_gap(), make_gap("Another gap")
    gaps.link_missed(review.manager, review.release, first)
    gaps.link_missed(review.manager, review.release, second)
    db.session.commit()
    assert count(GapLink) == 1 and gaps.links_of([review.release.id])[review.release.id] == second
    gaps.unlink_missed(review.manager, review.release)
    db.session.commit()
    assert count(GapLink) == 0


def test_a_touchpoint_that_is_not_missed_cannot_be_linked(review, make_gap):
    from coalition.ofr import services as ofr

    plain = ofr.add_touchpoint(review.manager, review.case, occurred="2020",
                               type_id=term("touchpoint_type", "ed_visit"))
    with pytest.raises(ServiceError):
        gaps.link_missed(review.manager, plain, make_gap())


def test_suggestions_rank_same_type_stage_and_sector_first(review, make_gap):
    matching = make_gap()  # same type, stage and sector as the jail release
    words_only = make_gap("Naloxone bridge missing", stage_id="", gap_type_id="",
                          sector_ids=[])
    unrelated = make_gap("School screening", stage_id=term("stage", "prevention"),
                         gap_type_id=term("gap_type", "screening_not_done"),
                         sector_ids=[term("sector", "schools")])
    found = gaps.suggestions([review.release])[review.release.id]
    assert [s.gap for s in found][0] == matching
    assert set(found[0].reasons) >= {"same gap type", "same stage", "same sector"}
    assert unrelated not in [s.gap for s in found]
    assert words_only in [s.gap for s in found]  # "naloxone" and "bridge" in the rationale


def test_merging_moves_links_and_recommendations_and_keeps_history(review, make_gap,
                                                                   make_recommendation):
    keep, duplicate = make_gap("No naloxone at release"), make_gap("Jail release gap")
    gaps.link_missed(review.manager, review.release, duplicate)
    recommendation = make_recommendation(gap_ids=[duplicate.id])
    gaps.merge_gaps(review.manager, duplicate, keep)
    db.session.commit()
    assert gaps.gap_counts([keep.id])[keep.id] == (1, 1)
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", keep.id)
    assert [g.id for g in db.session.get(type(recommendation), recommendation.id).gaps] == [
        keep.id]
    assert "merged into this gap" in keep.events[-1].text
    assert "Merged into" in duplicate.events[-1].text
    assert duplicate not in db.session.scalars(gaps.gap_query(status="all")).all()


def test_merging_into_itself_or_a_merged_gap_is_refused(review, make_gap):
    gap, other, third = make_gap(), make_gap("Other"), make_gap("Third")
    with pytest.raises(ServiceError) as refused:
        gaps.merge_gaps(review.manager, gap, gap)
    assert refused.value.field == "into_id"
    gaps.merge_gaps(review.manager, other, third)
    with pytest.raises(ServiceError):
        gaps.merge_gaps(review.manager, gap, other)


def test_audit_rows_about_links_carry_the_case_table_and_no_case_text(review, make_gap):
    gap = make_gap()
    gaps.link_missed(review.manager, review.release, gap)
    db.session.commit()
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "link"))
    assert event.case_table_id == review.team.id
    assert "naloxone" not in event.summary.lower()


# --- the screens ------------------------------------------------------------------------------

def test_the_register_is_coalition_business_without_case_detail(client, login, review,
                                                                 make_gap):
    gap = make_gap()
    gaps.link_missed(review.manager, review.release, gap)
    db.session.commit()
    login(review.leader)
    listing = client.get("/gaps").get_data(as_text=True)
    assert gap.code in listing
    page = client.get(f"/gaps/{gap.id}").get_data(as_text=True)
    assert review.case.code not in page and "1 missed opportunity in cases of review" in page
    assert client.get("/gaps/new").status_code == 403


def test_the_case_team_sees_the_case_code_on_the_gap(client, login, review, make_gap):
    gap = make_gap()
    gaps.link_missed(review.manager, review.release, gap)
    db.session.commit()
    login(review.member)
    page = client.get(f"/gaps/{gap.id}").get_data(as_text=True)
    assert review.case.code in page


def test_the_timeline_suggests_the_existing_gap_and_links_in_one_click(client, login, review,
                                                                       make_gap):
    gap = make_gap()
    login(review.manager)
    page = client.get(f"/cases/{review.case.id}/timeline").get_data(as_text=True)
    assert f"Link to {gap.code}" in page and "same gap type" in page
    response = client.post(f"/touchpoints/{review.release.id}/gap", data={"gap_id": gap.id})
    assert response.status_code == 302
    assert gaps.links_of([review.release.id])[review.release.id].id == gap.id


def test_a_new_gap_from_the_timeline_takes_the_missed_opportunity_tags(client, login, review):
    login(review.manager)
    response = client.post(f"/touchpoints/{review.overdose.id}/gap",
                           data={"gap_id": "", "title": "No leave-behind naloxone after EMS"})
    assert response.status_code == 302
    gap = db.session.scalar(select(Gap))
    assert (gap.stage_id, gap.gap_type_id) == (review.overdose.stage_id,
                                              review.overdose.gap_type_id)
    assert [s.id for s in gap.sectors] == [review.overdose.sector_id]


def test_linking_from_the_timeline_is_for_the_case_team_only(client, login, review, make_gap):
    gap = make_gap()
    login(review.leader)
    response = client.post(f"/touchpoints/{review.release.id}/gap", data={"gap_id": gap.id})
    assert response.status_code == 404
    assert count(GapLink) == 0


def test_merging_from_the_page_refuses_itself_at_the_field(client, login, review, make_gap):
    gap = make_gap()
    login(review.manager)
    response = client.post(f"/gaps/{gap.id}/merge", data={"into_id": gap.id})
    assert response.status_code == 400
    assert "into itself" in response.get_data(as_text=True)
    assert db.session.get(Gap, gap.id).status == "identified"


def test_the_timeline_panel_reads_the_linked_gaps_as_the_links_say(client, login, review,
                                                                   make_gap):
    """Beside each missed opportunity the timeline shows the id, code and title of its gap,
    read as rows: the same as the gap ``links_of`` loads, for a linked and an unlinked one."""
    gap = make_gap(title='Bridge <"care"> & naloxone')
    make_gap("Another gap")
    gaps.link_missed(review.manager, review.release, gap)
    db.session.commit()
    points = [review.release.id, review.overdose.id]
    rows = gaps.linked_gaps_of(points)
    assert {point: (row.id, row.code, row.title) for point, row in rows.items()} == {
        point: (g.id, g.code, g.title) for point, g in gaps.links_of(points).items()}
    assert list(rows) == [review.release.id] and gaps.linked_gaps_of([]) == {}
    login(review.manager)
    page = client.get(f"/cases/{review.case.id}/timeline").get_data(as_text=True)
    assert (f'Gap: <a href="/gaps/{gap.id}">{gap.code} — Bridge &lt;&#34;care&#34;&gt; '
            "&amp; naloxone</a>") in page
    assert f"from {gap.code}</span></button>" in page and "Link to a gap" in page
