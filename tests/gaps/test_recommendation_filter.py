"""The committee's view filters by the lead agency with a search field (the county has 150
agencies: no list of them all on every request); links naming one agency by id keep working, and a
bad one is answered with a message, never a 500."""

from __future__ import annotations

import re

import pytest

from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.models import Recommendation


@pytest.fixture
def led(review, make_recommendation):
    """Recommendations led by the jail, the police, EMS, and one without a lead agency."""
    return {"jail": make_recommendation(), "police": make_recommendation(
        lead_organization_id=review.police.id), "ems": make_recommendation(
        lead_organization_id=review.ems.id), "none": make_recommendation(
        lead_organization_id=None)}


def _codes(page: str) -> set[str]:
    return set(re.findall(r">(REC-\d{4}-\d{4})</a>", page))


def _expected(text: str) -> set[str]:
    """The straightforward definition: the lead agency's name contains the text, any case."""
    return {r.code for r in db.session.query(Recommendation).all()
            if r.lead_organization and text.casefold() in r.lead_organization.name.casefold()}


@pytest.mark.parametrize("text", ["jail", "TEST", "police", "e", "nobody", "%", "_"])
def test_the_lead_agency_search_matches_the_name(client, login, review, led, text):
    login(review.leader)
    response = client.get("/recommendations", query_string={"agency": text})
    assert response.status_code == 200
    assert _codes(response.get_data(as_text=True)) == _expected(text)
    assert {r.code for r in db.session.scalars(gaps.recommendation_query(lead_name=text))} \
        == _expected(text)


def test_no_list_of_every_agency_is_sent(client, login, review, led):
    login(review.leader)
    page = client.get("/recommendations").get_data(as_text=True)
    assert 'id="lead"' not in page and review.police.name not in page.split("<table")[0]
    assert 'id="agency"' in page and "Lead agency contains" in page
    assert _codes(page) == {r.code for r in led.values()}


def test_a_link_naming_one_agency_by_id_still_filters(client, login, review, led):
    login(review.leader)
    response = client.get("/recommendations", query_string={"lead": review.police.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _codes(page) == {led["police"].code}
    assert f"Led by {review.police.name} only." in page
    assert f'<input type="hidden" name="lead" value="{review.police.id}">' in page


@pytest.mark.parametrize("bad", ["abc", "-3", "99999999999999999999", "1.5", "٣"])
def test_a_bad_agency_link_is_answered_with_a_message(client, login, review, led, bad):
    login(review.leader)
    response = client.get("/recommendations", query_string={"lead": bad})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This lead agency link is not valid." in page
    assert _codes(page) == {r.code for r in led.values()}  # the filters are dropped


def test_a_recommendation_page_makes_the_same_queries_however_long_its_work_plan(
        client, login, review, make_recommendation, today):
    """Work items come with their owners and organizations in the same query."""
    from datetime import timedelta

    from tests.conftest import counting_queries

    recommendation = make_recommendation()
    login(review.manager)

    def queries() -> tuple[int, str]:
        db.session.expire_all()
        with counting_queries() as statements:
            page = client.get(f"/recommendations/{recommendation.id}")
        assert page.status_code == 200
        return len(statements), page.get_data(as_text=True)

    empty, _ = queries()
    owners = [review.lead_person.id, review.member.person_id, review.coalition_member.person_id]
    for n in range(5):
        gaps.add_work_item(review.manager, recommendation, title=f"Step {n}",
                           owner_id=owners[n % 3], due_on=today + timedelta(days=n + 1))
    db.session.commit()
    full, page = queries()
    assert full == empty <= 12
    assert "Officer Seated" in page and "Nurse Member" in page and "Step 4" in page
