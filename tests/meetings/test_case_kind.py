"""Case items and case sections belong only to tables that review cases: the forms do not offer
"Case" elsewhere and the services refuse it."""

from __future__ import annotations

import pytest

from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.models import AgendaItem, AgendaTemplateSection
from tests.conftest import error_for


def _kinds(html: str) -> list[str]:
    select = html[html.index('name="item_type"'):]
    select = select[:select.index("</select>")]
    return [part.split('"')[0] for part in select.split('value="')[1:]]


def test_the_add_form_at_a_coalition_table_offers_no_case_kind(as_coordinator, make_meeting,
                                                               make_table):
    meeting = make_meeting(make_table("coalition"))
    html = as_coordinator.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert _kinds(html) == ["public", "internal"]


def test_the_add_form_at_a_case_table_offers_the_case_kind(as_coordinator, make_meeting, hub):
    html = as_coordinator.get(f"/meetings/{make_meeting(hub).id}").get_data(as_text=True)
    assert "case" in _kinds(html)


def test_a_posted_case_item_at_a_coalition_table_is_refused_at_the_field(
        as_coordinator, make_meeting, make_table):
    meeting = make_meeting(make_table("coalition"))
    response = as_coordinator.post(f"/meetings/{meeting.id}/items", data={
        "title": "Jane D.", "item_type": "case", "planned_minutes": "5"})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "item_type") == (
        meetings.CASE_TABLE_MESSAGE)
    assert db.session.query(AgendaItem).filter_by(title="Jane D.").count() == 0


def test_the_item_edit_form_at_a_coalition_table_offers_no_case_kind(
        as_coordinator, make_meeting, make_table):
    meeting = make_meeting(make_table("coalition"))
    item = meetings.add_item(None, meeting, title="Budget")
    db.session.commit()
    html = as_coordinator.get(f"/meetings/{meeting.id}/items/{item.id}/edit").get_data(
        as_text=True)
    assert _kinds(html) == ["public", "internal"]


def test_a_case_section_at_a_coalition_table_is_refused(make_table):
    table = make_table("coalition")
    with pytest.raises(meetings.ServiceError) as refusal:
        meetings.add_section(None, table, title="Cases", planned_minutes=10, item_type="case")
    assert refusal.value.field == "item_type"


def test_a_section_cannot_be_retyped_to_case_at_a_coalition_table(as_coordinator, make_table):
    table = make_table("coalition")
    section = meetings.ensure_template(table)[0]
    db.session.commit()
    response = as_coordinator.post(
        f"/tables/{table.id}/agenda-template/sections/{section.id}/edit",
        data={"title": "Cases", "item_type": "case", "planned_minutes": "3"})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "item_type") == (
        meetings.NO_CASE_KIND_MESSAGE)
    db.session.refresh(section)
    assert section.item_type == "public"
    assert _kinds(response.get_data(as_text=True)) == ["public", "internal"]


def test_a_case_section_is_still_added_at_a_risk_review_table(make_table):
    table = make_table("risk_review")
    section = meetings.add_section(None, table, title="Cases", planned_minutes=10,
                                   item_type="case")
    assert db.session.get(AgendaTemplateSection, section.id).item_type == "case"
