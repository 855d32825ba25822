"""Situations on the risk review agenda: the due rules registered by the risk capability."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from coalition.core.localtime import combine_local, local_today
from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.models import AgendaItem
from coalition.meetings.services.agenda import DUE_ITEM_RULES, DUE_RULE_SECTIONS
from coalition.risk.services import agenda as risk_agenda

MINIMAL = {"level": None, "age_range": None, "consent_status": None, "summary": "",
           "rejection_reason": "Not acutely elevated: one agency can help."}


@pytest.fixture
def hub(make_table):
    return make_table("risk_review", name="Agenda Test Hub", cadence_days=7)


@pytest.fixture
def ems(make_org):
    return make_org("Agenda Test EMS", sector="fire_ems")


@pytest.fixture
def next_week(hub, make_meeting):
    return make_meeting(hub, title="Next week", status="draft",
                        starts_at=combine_local(local_today() + timedelta(days=7), time(9)))


@pytest.fixture
def last_week(hub, make_meeting):
    return make_meeting(hub, title="Last week", status="closed",
                        starts_at=combine_local(local_today() - timedelta(days=7), time(9)))


def _agenda(meeting) -> list[AgendaItem]:
    return list(db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                   .order_by(AgendaItem.position)))


def _titles(meeting) -> list[str]:
    return [i.title for i in _agenda(meeting)]


def _build(meeting) -> int:
    added = meetings.build_agenda(None, meeting)
    db.session.commit()
    return added


def _refresh(meeting) -> int:
    added = meetings.refresh_due_items(None, meeting)
    db.session.commit()
    return added


def test_the_rules_are_registered_once_with_their_sections(app):
    assert DUE_ITEM_RULES.count(risk_agenda.open_situation_updates) == 1
    assert DUE_ITEM_RULES.count(risk_agenda.new_situations) == 1
    assert DUE_RULE_SECTIONS[risk_agenda.open_situation_updates] == "Updates on open situations"
    assert DUE_RULE_SECTIONS[risk_agenda.new_situations] == "New situations"
    risk_agenda.register_risk_agenda()  # idempotent
    assert DUE_ITEM_RULES.count(risk_agenda.new_situations) == 1


def test_open_situations_go_to_updates_and_new_ones_to_new_situations(
        hub, ems, next_week, make_situation):
    make_situation(hub, ems, status="accepted", code="RS-T-0001")
    make_situation(hub, ems, status="new", code="RS-T-0002")
    make_situation(hub, ems, status="accepted", code="RS-T-0003")
    assert _build(next_week) == 3
    assert _titles(next_week) == [
        "Updates on open situations", "RS-T-0001 — update", "RS-T-0003 — update",
        "New situations", "RS-T-0002 — new situation", "Action items due"]
    items = [i for i in _agenda(next_week) if not i.is_section]
    assert {i.item_type for i in items} == {"case"}
    assert all(i.situation_id for i in items)
    assert [i.position for i in _agenda(next_week)] == list(range(6))


def test_titles_name_the_code_only(hub, ems, next_week, make_situation):
    situation = make_situation(hub, ems, status="new", code="RS-T-0010",
                               summary="Woman in her thirties, overdosed at Pier Road shelter.",
                               gender="Woman")
    _build(next_week)
    (item,) = [i for i in _agenda(next_week) if i.situation_id == situation.id]
    assert item.title == "RS-T-0010 — new situation"
    assert item.description == ""
    assert "Pier Road" not in " ".join(_titles(next_week))


def test_concluded_rejected_and_other_tables_situations_are_not_listed(
        hub, ems, next_week, make_situation, make_table):
    make_situation(hub, ems, status="concluded", code="RS-T-0020", outcome="connected",
                   risk_status="lowered", concluded_on=local_today())
    make_situation(hub, ems, status="rejected", code="RS-T-0021", **MINIMAL)
    other = make_table("risk_review", name="Other Agenda Hub")
    make_situation(other, ems, status="accepted", code="RS-T-0022")
    make_situation(other, ems, status="new", code="RS-T-0023")
    assert _build(next_week) == 0
    assert not any("RS-T" in title for title in _titles(next_week))


def test_refreshing_adds_no_duplicates_and_places_later_situations_in_their_section(
        hub, ems, next_week, make_situation):
    make_situation(hub, ems, status="accepted", code="RS-T-0030")
    make_situation(hub, ems, status="new", code="RS-T-0031")
    _build(next_week)
    assert _refresh(next_week) == 0
    assert _refresh(next_week) == 0
    make_situation(hub, ems, status="new", code="RS-T-0032")
    make_situation(hub, ems, status="accepted", code="RS-T-0033")
    assert _refresh(next_week) == 2
    assert _titles(next_week) == [
        "Updates on open situations", "RS-T-0030 — update", "RS-T-0033 — update",
        "New situations", "RS-T-0031 — new situation", "RS-T-0032 — new situation",
        "Action items due"]
    assert _refresh(next_week) == 0


def test_a_situation_accepted_after_it_was_listed_as_new_is_not_listed_twice(
        hub, ems, next_week, make_situation):
    situation = make_situation(hub, ems, status="new", code="RS-T-0035")
    _build(next_week)
    situation.status = "accepted"
    db.session.commit()
    assert _refresh(next_week) == 0
    assert [i.situation_id for i in _agenda(next_week)].count(situation.id) == 1


def test_undiscussed_situation_items_of_last_week_are_not_carried_over_as_well(
        hub, ems, last_week, next_week, make_situation, make_agenda_item):
    still_open = make_situation(hub, ems, status="accepted", code="RS-T-0040")
    concluded = make_situation(hub, ems, status="concluded", code="RS-T-0041",
                               outcome="informed", risk_status="lowered",
                               concluded_on=local_today())
    make_agenda_item(last_week, title="RS-T-0040 — update", item_type="case",
                     situation_id=still_open.id)
    make_agenda_item(last_week, title="RS-T-0041 — update", item_type="case",
                     situation_id=concluded.id)
    make_agenda_item(last_week, title="Shelter beds over the holidays", item_type="internal")
    _build(next_week)
    titles = _titles(next_week)
    assert titles.count("RS-T-0040 — update") == 1
    assert "RS-T-0041 — update" not in titles
    assert "Shelter beds over the holidays" in titles  # other items are still carried
    (item,) = [i for i in _agenda(next_week) if i.situation_id == still_open.id]
    assert item.carried_from_id is None
    assert _refresh(next_week) == 0


def test_a_parked_situation_item_brought_back_from_the_backlog_is_not_listed_twice(
        hub, ems, next_week, make_situation, make_agenda_item):
    situation = make_situation(hub, ems, status="new", code="RS-T-0045")
    make_agenda_item(None, table=hub, title="RS-T-0045 — new situation", item_type="case",
                     situation_id=situation.id)
    _build(next_week)
    assert [i.situation_id for i in _agenda(next_week)].count(situation.id) == 1


def test_without_the_section_the_items_go_to_the_due_slot(
        hub, ems, next_week, make_situation):
    make_situation(hub, ems, status="new", code="RS-T-0050")
    _build(next_week)
    new_section = next(i for i in _agenda(next_week) if i.title == "New situations")
    item = next(i for i in _agenda(next_week) if i.title == "RS-T-0050 — new situation")
    db.session.delete(item)
    db.session.delete(new_section)
    db.session.commit()
    assert _refresh(next_week) == 1
    assert _titles(next_week) == ["Updates on open situations", "RS-T-0050 — new situation",
                                  "Action items due"]


def test_action_items_still_go_under_the_receiving_section(
        hub, ems, last_week, next_week, make_situation, make_person, make_action_item):
    make_situation(hub, ems, status="accepted", code="RS-T-0060")
    make_action_item(last_week, make_person("Olive Owner"), title="Call the shelter",
                     due_on=local_today() + timedelta(days=3))
    _build(next_week)
    titles = _titles(next_week)
    assert titles[0] == "Updates on open situations"
    assert titles.index("RS-T-0060 — update") < titles.index("New situations")
    assert any(t.startswith("Action item: Call the shelter") for t in titles[:3])


def test_the_meeting_page_marks_situation_items(
        hub, ems, next_week, make_situation, make_user, make_person, seat, login, client):
    make_situation(hub, ems, status="new", code="RS-T-0070")
    _build(next_week)
    person = make_person("Mona Manager", organizations=[ems])
    seat(person, hub, ems, role="manager")
    user = make_user("member", person=person)
    from coalition.meetings.models import Attestation

    db.session.add(Attestation(meeting_id=next_week.id, person_id=person.id, method="paper",
                               agreement_version="test"))
    db.session.commit()
    login(user)
    page = client.get(f"/meetings/{next_week.id}").get_data(as_text=True)
    assert "RS-T-0070 — new situation" in page
    assert "Risk situation" in page
