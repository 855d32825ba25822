"""My action items, the coalition list and its CSV export, and one item's page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from coalition.actions.models import ActionItem
from coalition.core.localtime import local_today
from coalition.extensions import db
from tests.conftest import audit_rows


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/actions/\d+">([^<]*)</a>', html)


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr class=\"action-[a-z_]+\">(.*?)</tr>", html, re.S)


# --- my action items ------------------------------------------------------------------------

def test_my_items_lists_open_items_first_by_due_date(client, login, setting, make_action_item):
    today = local_today()
    make_action_item(setting.meeting, setting.owner, title="Later", due_on=today + timedelta(30))
    make_action_item(setting.meeting, setting.owner, title="Finished", status="done",
                     due_on=today - timedelta(20))
    make_action_item(setting.meeting, setting.owner, title="Soonest", due_on=today + timedelta(2))
    make_action_item(setting.meeting, setting.colleague, title="Not mine")
    login(setting.owner_user)
    html = client.get("/actions/mine").get_data(as_text=True)
    assert _titles(html) == ["Soonest", "Later", "Finished"]


def test_my_items_mark_overdue_and_due_soon_in_words(client, login, setting, make_action_item):
    today = local_today()
    make_action_item(setting.meeting, setting.owner, title="Late", due_on=today - timedelta(1))
    make_action_item(setting.meeting, setting.owner, title="Close", due_on=today + timedelta(3))
    make_action_item(setting.meeting, setting.owner, title="Far", due_on=today + timedelta(60))
    login(setting.owner_user)
    late, close, far = _rows(client.get("/actions/mine").get_data(as_text=True))
    assert ">Overdue</span>" in late and ">Due soon</span>" in close
    assert "Overdue" not in far and "Due soon" not in far


def test_my_items_can_show_only_closed_ones(client, login, setting, make_action_item):
    make_action_item(setting.meeting, setting.owner, title="Open one")
    make_action_item(setting.meeting, setting.owner, title="Done one", status="done")
    login(setting.owner_user)
    html = client.get("/actions/mine?status=closed").get_data(as_text=True)
    assert _titles(html) == ["Done one"]


def test_an_account_without_a_person_is_told_so(client, login, make_user):
    login(make_user("member"))
    response = client.get("/actions/mine")
    assert response.status_code == 200
    assert "not linked to a person" in response.get_data(as_text=True)


# --- the coalition list ---------------------------------------------------------------------

def test_the_list_shows_open_items_by_default(client, login, setting, make_action_item):
    make_action_item(setting.meeting, setting.owner, title="Open one")
    make_action_item(setting.meeting, setting.owner, title="Cancelled one", status="cancelled")
    login(setting.colleague_user)
    assert _titles(client.get("/actions").get_data(as_text=True)) == ["Open one"]


def test_the_list_filters_by_owner(client, login, setting, make_action_item):
    make_action_item(setting.meeting, setting.owner, title="Olive item")
    make_action_item(setting.meeting, setting.colleague, title="Cole item")
    login(setting.colleague_user)
    html = client.get(f"/actions?owner={setting.owner.id}").get_data(as_text=True)
    assert _titles(html) == ["Olive item"]


def test_the_list_filters_by_organization(client, login, setting, make_action_item, make_org):
    other = make_org("Westside Clinic")
    make_action_item(setting.meeting, setting.owner, title="Eastside", organization=setting.org)
    make_action_item(setting.meeting, setting.owner, title="Westside", organization=other)
    login(setting.colleague_user)
    html = client.get(f"/actions?organization={other.id}").get_data(as_text=True)
    assert _titles(html) == ["Westside"]


def test_the_list_filters_by_table(client, login, setting, make_action_item, make_table,
                                   make_meeting):
    other_meeting = make_meeting(make_table("coalition", name="Prevention workgroup"))
    make_action_item(setting.meeting, setting.owner, title="Coalition item")
    make_action_item(other_meeting, setting.owner, title="Workgroup item")
    login(setting.colleague_user)
    html = client.get(f"/actions?table={setting.table.id}").get_data(as_text=True)
    assert _titles(html) == ["Coalition item"]


def test_the_list_filters_by_status(client, login, setting, make_action_item):
    make_action_item(setting.meeting, setting.owner, title="Stuck", status="blocked")
    make_action_item(setting.meeting, setting.owner, title="Going", status="in_progress")
    login(setting.colleague_user)
    assert _titles(client.get("/actions?status=blocked").get_data(as_text=True)) == ["Stuck"]


def test_the_list_filters_overdue_only(client, login, setting, make_action_item):
    today = local_today()
    make_action_item(setting.meeting, setting.owner, title="Late", due_on=today - timedelta(2))
    make_action_item(setting.meeting, setting.owner, title="On time", due_on=today)
    login(setting.colleague_user)
    assert _titles(client.get("/actions?overdue=y").get_data(as_text=True)) == ["Late"]


def test_the_list_hides_items_of_tables_the_viewer_may_not_see(
        client, login, setting, make_action_item, make_table, make_meeting, make_person,
        make_org, seat):
    ofr = make_table("ofr", name="Fatality review team")
    reviewer = make_person("Rita Reviewer")
    seat(reviewer, ofr, setting.org)
    make_action_item(make_meeting(ofr), reviewer, title="Request records")
    make_action_item(setting.meeting, setting.owner, title="Public item")
    login(setting.colleague_user)
    html = client.get("/actions").get_data(as_text=True)
    assert _titles(html) == ["Public item"]
    assert "Fatality review team" not in html


def test_the_table_filter_does_not_offer_hidden_tables(client, login, setting, make_table):
    make_table("ofr", name="Fatality review team")
    login(setting.colleague_user)
    assert "Fatality review team" not in client.get("/actions").get_data(as_text=True)


def test_a_bad_filter_value_is_a_400_with_a_message(client, login, setting):
    login(setting.colleague_user)
    response = client.get("/actions?status=someday")
    assert response.status_code == 400
    assert "Choose a status from the list." in response.get_data(as_text=True)


def test_the_list_is_paginated(app, client, login, setting, make_action_item):
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        make_action_item(setting.meeting, setting.owner, title=f"Item {n}",
                         due_on=local_today() + timedelta(days=n))
    login(setting.colleague_user)
    assert _titles(client.get("/actions?page=2").get_data(as_text=True)) == ["Item 2"]


# --- CSV export -----------------------------------------------------------------------------

def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_export_is_an_attachment_of_the_filtered_list(
        client, login, setting, make_action_item):
    make_action_item(setting.meeting, setting.owner, title="Print flyers, then post them",
                     due_on=date(2026, 12, 1), description='Say "hello"\nsecond line')
    make_action_item(setting.meeting, setting.colleague, title="Not exported")
    login(setting.colleague_user)
    response = client.post("/actions/export.csv", data={"owner": setting.owner.id})
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    header, row = _csv(response)
    assert header[:3] == ["ID", "Title", "Owner"]
    assert row[1:3] == ["Print flyers, then post them", "Olive Owner"]
    assert row[header.index("Due on")] == "2026-12-01"
    assert row[header.index("Description")] == 'Say "hello"\nsecond line'


def test_the_export_guards_against_spreadsheet_formulas(client, login, setting,
                                                         make_action_item):
    for title in ("=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)"):
        make_action_item(setting.meeting, setting.owner, title=title)
    login(setting.colleague_user)
    titles = {row[1] for row in _csv(client.post("/actions/export.csv"))[1:]}
    assert titles == {"'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)"}


def test_the_export_is_a_post_a_link_cannot_forge(client, login, setting):
    login(setting.colleague_user)
    assert client.get("/actions/export.csv").status_code == 405
    client.add_csrf = False  # a cross-site form has no token
    assert client.post("/actions/export.csv").status_code == 400
    assert audit_rows("export", "action_items") == []


def test_the_export_is_audited(client, login, setting, make_action_item):
    make_action_item(setting.meeting, setting.owner)
    login(setting.colleague_user)
    client.post("/actions/export.csv")
    [row] = audit_rows("export", "action_items")
    assert row.user_id == setting.colleague_user.id and "1 action item" in row.summary


def test_the_export_leaves_out_hidden_tables(client, login, setting, make_action_item,
                                            make_table, make_meeting, make_person):
    ofr = make_table("ofr")
    make_action_item(make_meeting(ofr), make_person(), title="Hidden")
    login(setting.colleague_user)
    assert len(_csv(client.post("/actions/export.csv"))) == 1


# --- one item -------------------------------------------------------------------------------

def test_the_item_page_shows_details_source_and_log(client, login, setting, make_action_item,
                                                    make_agenda_item):
    agenda_item = make_agenda_item(setting.meeting, title="Naloxone distribution")
    item = make_action_item(setting.meeting, setting.owner, title="Order kits",
                            agenda_item=agenda_item)
    login(setting.owner_user)
    html = client.get(f"/actions/{item.id}").get_data(as_text=True)
    assert "<h1" in html and "Order kits" in html
    assert "November coalition meeting" in html and "Naloxone distribution" in html
    assert "Update log" in html and "Report progress" in html
    assert "Edit or reassign" not in html


def test_the_item_page_names_a_case_source_only_after_attestation(
        client, login, make_table, make_meeting, make_org, make_person, seat, make_user,
        make_agenda_item, make_action_item):
    from coalition.meetings.models import Attestation

    table = make_table("risk_review")
    meeting = make_meeting(table)
    owner = make_person("Olive Owner")
    seat(owner, table, make_org())
    case_item = make_agenda_item(meeting, title="Situation 26-004 follow-up", item_type="case")
    item = make_action_item(meeting, owner, title="Call the shelter", agenda_item=case_item)
    login(make_user("member", person=owner))
    html = client.get(f"/actions/{item.id}").get_data(as_text=True)
    assert "Call the shelter" in html and "Situation 26-004" not in html and "a case item" in html
    db.session.add(Attestation(meeting=meeting, person=owner, method="paper",
                               agreement_version="test"))
    db.session.commit()
    assert "Situation 26-004" in client.get(f"/actions/{item.id}").get_data(as_text=True)


def test_the_owner_updates_status_and_note(client, login, setting, make_action_item):
    item = make_action_item(setting.meeting, setting.owner)
    login(setting.owner_user)
    response = client.post(f"/actions/{item.id}/update", data={
        "status": "blocked", "note": "Waiting for the county.", "version_id": item.version_id})
    assert response.status_code == 302
    db.session.expire_all()
    assert item.status == "blocked" and item.updates[-1].note == "Waiting for the county."
    assert "Waiting for the county." in client.get(f"/actions/{item.id}").get_data(as_text=True)


def test_a_colleague_who_may_see_but_not_update_is_refused_403(client, login, setting,
                                                              make_action_item):
    item = make_action_item(setting.meeting, setting.owner)
    login(setting.colleague_user)
    response = client.post(f"/actions/{item.id}/update", data={
        "status": "done", "version_id": item.version_id})
    assert response.status_code == 403
    db.session.expire_all()
    assert item.status == "open"


def test_an_item_of_a_hidden_table_is_404(client, login, setting, make_action_item,
                                          make_table, make_meeting, make_person):
    item = make_action_item(make_meeting(make_table("risk_review")), make_person())
    login(setting.colleague_user)
    assert client.get(f"/actions/{item.id}").status_code == 404
    assert client.post(f"/actions/{item.id}/update", data={
        "status": "done", "version_id": item.version_id}).status_code == 404


def test_a_stale_update_shows_the_conflict_and_keeps_the_note(client, login, setting,
                                                               make_action_item):
    item = make_action_item(setting.meeting, setting.owner)
    stale = item.version_id
    item.status = "in_progress"
    db.session.commit()
    login(setting.owner_user)
    response = client.post(f"/actions/{item.id}/update", data={
        "status": "done", "note": "All sent out.", "version_id": stale})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved a change to this action item" in html
    assert "All sent out." in html
    assert f'value="{item.version_id}"' in html


def test_a_manager_reassigns_from_the_item_page(client, login, setting, make_action_item):
    item = make_action_item(setting.meeting, setting.owner, title="Call the pharmacy")
    login(setting.manager_user)
    response = client.post(f"/actions/{item.id}/edit", data={
        "title": "Call the pharmacy", "description": "", "owner_id": setting.colleague.id,
        "organization_id": "", "due_on": item.due_on.isoformat(), "priority": "high",
        "version_id": item.version_id})
    assert response.status_code == 302
    html = client.get(f"/actions/{item.id}").get_data(as_text=True)
    assert "Reassigned from Olive Owner to Cole League" in html


def test_the_owner_may_not_edit(client, login, setting, make_action_item):
    item = make_action_item(setting.meeting, setting.owner)
    login(setting.owner_user)
    response = client.post(f"/actions/{item.id}/edit", data={
        "title": "Mine", "owner_id": setting.owner.id, "due_on": item.due_on.isoformat(),
        "priority": "normal", "version_id": item.version_id})
    assert response.status_code == 403


def test_editing_to_an_unseated_owner_is_a_field_message(client, login, setting,
                                                        make_action_item, make_person):
    outsider = make_person("Otto Outsider")
    item = make_action_item(setting.meeting, setting.owner)
    login(setting.manager_user)
    response = client.post(f"/actions/{item.id}/edit", data={
        "title": item.title, "owner_id": outsider.id, "due_on": item.due_on.isoformat(),
        "priority": "normal", "version_id": item.version_id})
    assert response.status_code == 400
    assert "seated at this table" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).owner_id == setting.owner.id


def test_the_dashboard_card_counts_my_overdue_and_due_soon_items(
        client, login, setting, make_action_item):
    today = local_today()
    make_action_item(setting.meeting, setting.owner, due_on=today - timedelta(days=3))
    make_action_item(setting.meeting, setting.owner, due_on=today + timedelta(days=2))
    make_action_item(setting.meeting, setting.owner, due_on=today + timedelta(days=2))
    login(setting.owner_user)
    html = client.get("/").get_data(as_text=True)
    assert "1 overdue</a>" in html and "2 due soon</a>" in html
    assert "Coalition-wide" not in html


def test_the_dashboard_shows_coordinators_the_coalition_overdue_count(
        client, login, setting, make_action_item, make_user):
    make_action_item(setting.meeting, setting.owner, due_on=local_today() - timedelta(days=3))
    login(make_user("coordinator"))
    assert "1 overdue action item</a>" in client.get("/").get_data(as_text=True)


def test_a_stale_edit_shows_the_conflict_and_keeps_what_was_typed(client, login, setting,
                                                                  make_action_item):
    item = make_action_item(setting.meeting, setting.owner, title="Original title")
    stale = item.version_id
    item.priority = "high"
    db.session.commit()
    login(setting.manager_user)
    response = client.post(f"/actions/{item.id}/edit", data={
        "title": "My better title", "owner_id": setting.owner.id,
        "due_on": item.due_on.isoformat(), "priority": "low", "version_id": stale})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved a change to this action item" in html
    assert 'value="My better title"' in html
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).title == "Original title"
