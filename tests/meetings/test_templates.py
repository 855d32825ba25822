"""Agenda templates: seeded defaults per kind of table, and the coordinator's editor."""

from __future__ import annotations

import pytest

from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.models import AgendaTemplateSection
from tests.conftest import audit_rows, count, error_for


def _titles(table) -> list[str]:
    return [s.title for s in meetings.template_sections(table)]


def test_an_ofr_team_gets_the_ofr_template(make_table):
    table = make_table("ofr")
    meetings.ensure_template(table)
    assert _titles(table)[:4] == ["Opening and updates", "Goals and ground rules",
                                  "Confidentiality", "Case presentation"]
    assert len(_titles(table)) == 9


def test_a_risk_review_table_gets_updates_first_receiving_due_items(make_table):
    table = make_table("risk_review")
    first, second, third = meetings.ensure_template(table)
    assert (first.title, first.item_type, first.receives_due_items) == (
        "Updates on open situations", "case", True)
    assert (second.title, third.title) == ("New situations", "Action items due")


def test_the_coalition_template_sends_due_items_to_action_items_due(make_table):
    table = make_table("coalition")
    receiving = [s.title for s in meetings.ensure_template(table) if s.receives_due_items]
    assert receiving == ["Action items due"]


def test_ensure_template_does_not_seed_twice(make_table):
    table = make_table("coalition")
    meetings.ensure_template(table)
    meetings.ensure_template(table)
    assert count(AgendaTemplateSection) == 5


def test_a_coordinator_adds_a_section(as_coordinator, coordinator, make_table):
    table = make_table("coalition")
    response = as_coordinator.post(f"/tables/{table.id}/agenda-template/sections", data={
        "title": "Data dashboard", "item_type": "public", "planned_minutes": "15"})
    assert response.status_code == 302
    assert _titles(table)[-1] == "Data dashboard"
    assert audit_rows("create", "agenda_template_sections")[0].user_id == coordinator.id


@pytest.mark.parametrize("minutes", ["481", "-1", "lots"])
def test_a_section_with_impossible_minutes_is_refused(as_coordinator, make_table, minutes):
    table = make_table("coalition")
    meetings.ensure_template(table)
    db.session.commit()
    response = as_coordinator.post(f"/tables/{table.id}/agenda-template/sections", data={
        "title": "Too long", "item_type": "public", "planned_minutes": minutes})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "planned_minutes") == (
        "Enter a number of minutes between 0 and 480.")
    assert "Too long" not in _titles(table)


def test_a_coordinator_moves_a_section_up(as_coordinator, make_table):
    table = make_table("coalition")
    second = meetings.ensure_template(table)[1]
    db.session.commit()
    as_coordinator.post(f"/tables/{table.id}/agenda-template/sections/{second.id}/up")
    assert _titles(table)[:2] == ["Action items due", "Welcome and introductions"]


def test_a_coordinator_renames_retimes_and_retypes_a_section(as_coordinator, make_table):
    table = make_table("coalition")
    section = meetings.ensure_template(table)[0]
    db.session.commit()
    as_coordinator.post(f"/tables/{table.id}/agenda-template/sections/{section.id}/edit", data={
        "title": "Welcome", "item_type": "internal", "planned_minutes": "3"})
    db.session.refresh(section)
    assert (section.title, section.item_type, section.planned_minutes) == (
        "Welcome", "internal", 3)


def test_a_coordinator_removes_a_section(as_coordinator, make_table):
    table = make_table("coalition")
    section = meetings.ensure_template(table)[0]
    db.session.commit()
    as_coordinator.post(f"/tables/{table.id}/agenda-template/sections/{section.id}/remove")
    assert "Welcome and introductions" not in _titles(table)


def test_the_template_page_lists_the_sections(as_coordinator, make_table):
    table = make_table("risk_review")
    html = as_coordinator.get(f"/tables/{table.id}/agenda-template").get_data(as_text=True)
    assert "Updates on open situations" in html
    assert html.count("<h1") == 1


def test_members_cannot_edit_templates(client, login, seated_user, make_table):
    table = make_table("coalition")
    login(seated_user(table, role="manager"))
    assert client.get(f"/tables/{table.id}/agenda-template").status_code == 403


def test_a_section_of_another_table_is_not_found(as_coordinator, make_table):
    section = meetings.ensure_template(make_table("coalition"))[0]
    other = make_table("coalition")
    db.session.commit()
    response = as_coordinator.post(
        f"/tables/{other.id}/agenda-template/sections/{section.id}/remove")
    assert response.status_code == 404
