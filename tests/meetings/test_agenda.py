"""Agendas that fill themselves (each rule, no duplicates), and the coordinator's edits."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from coalition.core.localtime import combine_local, local_today
from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.models import AgendaItem
from tests.conftest import count, counting_queries, error_for


@pytest.fixture
def owner(make_person):
    return make_person("Olive Owner")


@pytest.fixture
def past_meeting(hub, make_meeting):
    return make_meeting(hub, title="Last week", status="closed",
                        starts_at=combine_local(local_today() - timedelta(days=7), time(9)))


@pytest.fixture
def new_meeting(hub, make_meeting):
    """Next week's meeting of ``hub``, with an empty agenda (built by the test)."""
    return make_meeting(hub, title="Next week", status="draft",
                        starts_at=combine_local(local_today() + timedelta(days=7), time(9)))


def _agenda(meeting) -> list[AgendaItem]:
    return list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                   .order_by(AgendaItem.position)))


def _titles(meeting) -> list[str]:
    return [i.title for i in _agenda(meeting)]


def _build(meeting, actor=None) -> int:
    added = meetings.build_agenda(actor, meeting)
    db.session.commit()
    return added


# --- the template ---------------------------------------------------------------------------

def test_a_new_agenda_starts_from_the_template_sections(new_meeting):
    _build(new_meeting)
    assert [(i.title, i.is_section) for i in _agenda(new_meeting)] == [
        ("Updates on open situations", True), ("New situations", True),
        ("Action items due", True)]


# --- rule 1: action items due ---------------------------------------------------------------

def test_an_overdue_action_item_is_put_on_the_agenda(new_meeting, past_meeting, owner,
                                                     make_action_item):
    action = make_action_item(past_meeting, owner, due_on=local_today() - timedelta(days=2))
    _build(new_meeting)
    assert [i.action_item_id for i in _agenda(new_meeting) if i.action_item_id] == [action.id]


def test_an_action_item_due_before_the_meeting_is_put_on_the_agenda(
        new_meeting, past_meeting, owner, make_action_item):
    make_action_item(past_meeting, owner, due_on=local_today() + timedelta(days=3), title="Call ED")
    _build(new_meeting)
    assert any("Call ED" in title for title in _titles(new_meeting))


def test_an_action_item_due_after_the_meeting_is_not(new_meeting, past_meeting, owner,
                                                     make_action_item):
    make_action_item(past_meeting, owner, due_on=local_today() + timedelta(days=30))
    assert _build(new_meeting) == 0


def test_a_done_action_item_is_not_put_on_the_agenda(new_meeting, past_meeting, owner,
                                                     make_action_item):
    make_action_item(past_meeting, owner, due_on=local_today() - timedelta(days=2), status="done")
    assert _build(new_meeting) == 0


def test_another_tables_action_items_stay_off(new_meeting, owner, make_meeting,
                                              make_action_item):
    make_action_item(make_meeting(), owner, due_on=local_today() - timedelta(days=2))
    assert _build(new_meeting) == 0


def test_due_items_go_under_the_section_that_receives_them(new_meeting, past_meeting, owner,
                                                           make_action_item):
    make_action_item(past_meeting, owner, due_on=local_today(), title="Report back")
    _build(new_meeting)
    titles = _titles(new_meeting)
    assert titles[0] == "Updates on open situations"
    assert "Report back" in titles[1]
    assert titles[2] == "New situations"


# --- rule 2: carried over from the previous meeting -----------------------------------------

def test_an_item_not_discussed_is_carried_over(new_meeting, past_meeting, make_agenda_item):
    old = make_agenda_item(past_meeting, title="Housing referral", item_type="case",
                           planned_minutes=15)
    _build(new_meeting)
    [carried] = [i for i in _agenda(new_meeting) if i.carried_from_id]
    assert (carried.carried_from_id, carried.title, carried.item_type,
            carried.planned_minutes) == (old.id, "Housing referral", "case", 15)


def test_a_discussed_item_with_an_open_action_item_is_carried_over(
        new_meeting, past_meeting, make_agenda_item, make_action_item, owner):
    old = make_agenda_item(past_meeting, title="Naloxone at shelters", is_discussed=True)
    make_action_item(past_meeting, owner, agenda_item=old,
                     due_on=local_today() + timedelta(days=60))
    _build(new_meeting)
    assert [i.carried_from_id for i in _agenda(new_meeting) if i.carried_from_id] == [old.id]


def test_a_discussed_item_without_open_action_items_is_not_carried(
        new_meeting, past_meeting, make_agenda_item, make_action_item, owner):
    old = make_agenda_item(past_meeting, is_discussed=True)
    make_action_item(past_meeting, owner, agenda_item=old, status="done")
    assert _build(new_meeting) == 0


def test_sections_are_not_carried_over(new_meeting, past_meeting, make_agenda_item):
    make_agenda_item(past_meeting, title="Old section", is_section=True)
    assert _build(new_meeting) == 0


def test_only_the_previous_meeting_is_carried_from(new_meeting, past_meeting, hub,
                                                   make_meeting, make_agenda_item):
    older = make_meeting(hub, starts_at=combine_local(local_today() - timedelta(days=14), time(9)))
    make_agenda_item(older, title="Two weeks old")
    assert _build(new_meeting) == 0


# --- rule 3: the backlog --------------------------------------------------------------------

def test_backlog_items_are_moved_onto_the_agenda(new_meeting, hub, make_agenda_item):
    parked = make_agenda_item(table=hub, title="Parked topic")
    _build(new_meeting)
    db.session.refresh(parked)
    assert parked.meeting_id == new_meeting.id


# --- refresh and the registry ---------------------------------------------------------------

def test_refreshing_does_not_duplicate_what_is_on_the_agenda(
        new_meeting, past_meeting, owner, make_action_item, make_agenda_item):
    make_action_item(past_meeting, owner, due_on=local_today() - timedelta(days=1))
    make_agenda_item(past_meeting, title="Not discussed")
    _build(new_meeting)
    before = _titles(new_meeting)
    assert meetings.refresh_due_items(None, new_meeting) == 0
    assert _titles(new_meeting) == before


def test_refreshing_picks_up_what_became_due(as_coordinator, new_meeting, past_meeting, owner,
                                             make_action_item):
    _build(new_meeting)
    make_action_item(past_meeting, owner, due_on=local_today(), title="New task")
    response = as_coordinator.post(f"/meetings/{new_meeting.id}/refresh")
    assert response.status_code == 302
    assert any("New task" in title for title in _titles(new_meeting))


def test_a_later_module_can_register_a_rule(new_meeting):
    def cases_selected(meeting, contents):
        return [AgendaItem(table_id=meeting.table_id, title="Selected case", item_type="case")]

    meetings.register_due_rule(cases_selected)
    try:
        _build(new_meeting)
    finally:
        meetings.DUE_ITEM_RULES.remove(cases_selected)
    assert "Selected case" in _titles(new_meeting)


def _grow(past_meeting, owner, make_action_item, make_agenda_item, size):
    for _ in range(size):
        make_action_item(past_meeting, owner, due_on=local_today() - timedelta(days=1))
        make_agenda_item(past_meeting)


def test_building_issues_the_same_queries_however_much_is_due(
        hub, past_meeting, owner, make_meeting, make_action_item, make_agenda_item):
    seen = []
    for size, days in ((2, 7), (12, 14)):
        _grow(past_meeting, owner, make_action_item, make_agenda_item, size - len(seen) * 2)
        meeting = make_meeting(hub, status="draft",
                               starts_at=combine_local(local_today() + timedelta(days=days),
                                                       time(9)))
        meetings.ensure_template(hub)
        db.session.commit()
        with counting_queries() as statements:
            meetings.build_agenda(None, meeting)
            db.session.flush()
        seen.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
        db.session.rollback()
    assert seen[0] == seen[1]


# --- editing --------------------------------------------------------------------------------

def test_a_coordinator_adds_an_item(as_coordinator, new_meeting):
    response = as_coordinator.post(f"/meetings/{new_meeting.id}/items", data={
        "title": "Data update", "item_type": "internal", "planned_minutes": "10"})
    assert response.status_code == 302
    assert _titles(new_meeting) == ["Data update"]


@pytest.mark.parametrize("minutes", ["481", "-5", "ten"])
def test_an_item_with_impossible_minutes_is_refused(as_coordinator, new_meeting, minutes):
    response = as_coordinator.post(f"/meetings/{new_meeting.id}/items", data={
        "title": "Long item", "item_type": "public", "planned_minutes": minutes})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "planned_minutes") == (
        "Enter a number of minutes between 0 and 480.")
    assert count(AgendaItem) == 0


def test_an_item_is_moved_down(as_coordinator, new_meeting, make_agenda_item):
    first = make_agenda_item(new_meeting, title="First")
    make_agenda_item(new_meeting, title="Second")
    as_coordinator.post(f"/meetings/{new_meeting.id}/items/{first.id}/down")
    assert _titles(new_meeting) == ["Second", "First"]


def test_an_item_is_retyped_and_retimed(as_coordinator, new_meeting, make_agenda_item):
    item = make_agenda_item(new_meeting, title="Budget")
    as_coordinator.post(f"/meetings/{new_meeting.id}/items/{item.id}/edit", data={
        "title": "Budget", "item_type": "internal", "planned_minutes": "25"})
    db.session.refresh(item)
    assert (item.item_type, item.planned_minutes) == ("internal", 25)


def test_an_item_is_removed(as_coordinator, new_meeting, make_agenda_item):
    item = make_agenda_item(new_meeting)
    as_coordinator.post(f"/meetings/{new_meeting.id}/items/{item.id}/remove")
    assert _titles(new_meeting) == []


def test_an_item_moves_to_the_next_meeting(as_coordinator, hub, new_meeting, make_meeting,
                                           make_agenda_item):
    later = make_meeting(hub, starts_at=combine_local(local_today() + timedelta(days=14), time(9)))
    item = make_agenda_item(new_meeting, title="Postponed")
    as_coordinator.post(f"/meetings/{new_meeting.id}/items/{item.id}/next")
    assert _titles(later) == ["Postponed"]


def test_moving_to_the_next_meeting_without_one_says_so(as_coordinator, new_meeting,
                                                        make_agenda_item):
    item = make_agenda_item(new_meeting, title="Postponed")
    response = as_coordinator.post(f"/meetings/{new_meeting.id}/items/{item.id}/next",
                                   follow_redirects=True)
    assert "has no later meeting scheduled yet" in response.get_data(as_text=True)
    assert _titles(new_meeting) == ["Postponed"]


def test_an_item_is_parked_in_the_backlog(as_coordinator, hub, new_meeting, make_agenda_item):
    item = make_agenda_item(new_meeting)
    as_coordinator.post(f"/meetings/{new_meeting.id}/items/{item.id}/park")
    assert [i.id for i in meetings.backlog(hub)] == [item.id]


def test_a_closed_meetings_agenda_cannot_be_changed(as_coordinator, past_meeting,
                                                    make_agenda_item):
    item = make_agenda_item(past_meeting, title="Frozen")
    response = as_coordinator.post(f"/meetings/{past_meeting.id}/items/{item.id}/remove",
                                   follow_redirects=True)
    assert "This meeting is closed" in response.get_data(as_text=True)
    assert _titles(past_meeting) == ["Frozen"]


def test_items_can_be_added_while_the_meeting_runs(hub, make_meeting):
    running = make_meeting(hub, status="in_progress")
    meetings.add_item(None, running, title="Urgent", item_type="internal", planned_minutes=5)
    assert _titles(running) == ["Urgent"]


def test_items_cannot_be_removed_while_the_meeting_runs(hub, make_meeting, make_agenda_item):
    item = make_agenda_item(make_meeting(hub, status="in_progress"))
    with pytest.raises(meetings.ServiceError, match="only add items"):
        meetings.remove_item(None, item)


# --- what the agenda shows ------------------------------------------------------------------

def test_the_agenda_warns_when_planned_time_exceeds_the_meeting(as_coordinator, make_table,
                                                               make_meeting, make_agenda_item):
    meeting = make_meeting(make_table("coalition"), minutes=30)
    make_agenda_item(meeting, planned_minutes=45)
    html = as_coordinator.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Planned: 45 of 30 minutes." in html
    assert "runs over the meeting's length by 15 minutes" in html


def test_case_items_are_hidden_from_a_member_who_has_not_attested(
        client, login, seated_user, hub, make_meeting, make_agenda_item):
    meeting = make_meeting(hub)
    make_agenda_item(meeting, title="Situation 7", item_type="case")
    login(seated_user(hub))
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Situation 7" not in html
    assert "1 case item is hidden until you sign this meeting's confidentiality" in html


def test_case_items_are_shown_once_the_member_attested(
        client, login, seated_user, attest, hub, make_meeting, make_agenda_item):
    meeting = make_meeting(hub)
    make_agenda_item(meeting, title="Situation 7", item_type="case")
    member = seated_user(hub)
    attest(member, meeting)
    login(member)
    assert "Situation 7" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_people_not_seated_at_the_table_see_no_count(as_coordinator, hub, make_meeting,
                                                     make_agenda_item):
    meeting = make_meeting(hub)
    make_agenda_item(meeting, title="Situation 7", item_type="case")
    html = as_coordinator.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Situation 7" not in html
    assert "hidden until" not in html


def test_a_hidden_case_item_cannot_be_opened_for_editing(as_coordinator, hub, make_meeting,
                                                         make_agenda_item):
    meeting = make_meeting(hub)
    item = make_agenda_item(meeting, item_type="case")
    assert as_coordinator.get(f"/meetings/{meeting.id}/items/{item.id}/edit").status_code == 404


def test_stored_times_are_utc(new_meeting):
    assert new_meeting.starts_at.tzinfo is not None
    assert new_meeting.starts_at.astimezone(UTC) <= datetime.now(UTC) + timedelta(days=8)


def test_case_section_headings_stay_visible(as_coordinator, hub, make_meeting):
    meeting = make_meeting(hub, status="draft")
    _build(meeting)
    html = as_coordinator.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Updates on open situations" in html
