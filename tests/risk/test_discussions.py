"""A situation's discussions at the table: written when its agenda item is marked discussed,
once per meeting, counted in ``times_discussed``, and shown on the situation page's history."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask import render_template
from sqlalchemy import func, select

from coalition.core.localtime import combine_local, local_today
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.meetings.models import Attestation
from coalition.meetings.services import running as run
from coalition.risk.models import SituationDiscussion
from coalition.risk.services import agenda as risk_agenda


@pytest.fixture
def hub(make_table):
    return make_table("risk_review", name="Discussion Test Hub", cadence_days=7)


@pytest.fixture
def lead(make_org):
    return make_org("Discussion Test Harm Reduction", sector="harm_reduction_syringe_services")


@pytest.fixture
def manager(hub, lead, make_person, make_user, seat):
    person = make_person("Dora Discussant", organizations=[lead])
    seat(person, hub, lead, role="manager")
    return make_user("member", person=person, name="Dora Discussant")


@pytest.fixture
def situation(hub, lead, make_situation):
    return make_situation(hub, lead, status="accepted", code="RS-D-0001")


@pytest.fixture
def running_meeting(hub, make_meeting):
    def factory(days: int = 0, title: str = "Weekly review"):
        return make_meeting(hub, title=title, status="in_progress",
                            starts_at=combine_local(local_today() + timedelta(days=days), time(9)))
    return factory


@pytest.fixture
def situation_item(make_agenda_item, situation):
    def factory(meeting):
        return make_agenda_item(meeting, title=f"{situation.code} — update", item_type="case",
                                situation_id=situation.id)
    return factory


def _save(actor, item, text, discussed=True):
    changed = run.save_minutes(actor, item, text=text, version_id=item.version_id,
                               is_discussed=discussed)
    db.session.commit()
    return changed


def _discussions(situation):
    return list(db.session.scalars(select(SituationDiscussion).where(
        SituationDiscussion.situation_id == situation.id).order_by(SituationDiscussion.id)))


def test_marking_the_item_discussed_records_the_discussion(
        manager, situation, running_meeting, situation_item):
    meeting = running_meeting()
    item = situation_item(meeting)
    _save(manager, item, "Two attempts, no contact yet. Try the shelter on Friday.")
    (row,) = _discussions(situation)
    assert (row.meeting_id, row.user_id) == (meeting.id, manager.id)
    assert row.note == "Two attempts, no contact yet. Try the shelter on Friday."
    db.session.refresh(situation)
    assert situation.times_discussed == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "discuss", AuditEvent.object_id == situation.id)) == 1


def test_minutes_without_discussed_record_nothing(
        manager, situation, running_meeting, situation_item):
    item = situation_item(running_meeting())
    _save(manager, item, "Not reached today.", discussed=False)
    assert _discussions(situation) == []
    db.session.refresh(situation)
    assert situation.times_discussed == 0


def test_later_saves_at_the_same_meeting_update_the_note(
        manager, situation, running_meeting, situation_item):
    item = situation_item(running_meeting())
    _save(manager, item, "First note.")
    _save(manager, item, "First note. Contact made on Tuesday.")
    (row,) = _discussions(situation)
    assert row.note == "First note. Contact made on Tuesday."
    db.session.refresh(situation)
    assert situation.times_discussed == 1


def test_times_discussed_counts_meetings(
        manager, situation, running_meeting, situation_item):
    first = running_meeting(-7, "Last week")
    second = running_meeting(0, "This week")
    _save(manager, situation_item(first), "Accepted; lead agency plans a visit.")
    _save(manager, situation_item(second), "Visit done; connected to intake.")
    rows = _discussions(situation)
    assert [r.meeting_id for r in rows] == [first.id, second.id]
    db.session.refresh(situation)
    assert situation.times_discussed == 2


def test_unticking_discussed_withdraws_that_meetings_record(
        manager, situation, running_meeting, situation_item):
    item = situation_item(running_meeting())
    _save(manager, item, "Discussed briefly.")
    _save(manager, item, "Discussed briefly.", discussed=False)
    assert _discussions(situation) == []
    db.session.refresh(situation)
    assert situation.times_discussed == 0


def test_items_without_a_situation_record_nothing(manager, running_meeting, make_agenda_item):
    item = make_agenda_item(running_meeting(), title="Naloxone kits", item_type="internal")
    _save(manager, item, "Kits delivered.")
    assert db.session.scalar(select(func.count(SituationDiscussion.id))) == 0


def test_saving_from_the_run_screen_records_the_discussion(
        manager, situation, running_meeting, situation_item, login, client):
    meeting = running_meeting()
    item = situation_item(meeting)
    db.session.add(Attestation(meeting_id=meeting.id, person_id=manager.person_id,
                               method="paper", agreement_version="test"))
    db.session.commit()
    login(manager)
    page = client.get(f"/meetings/{meeting.id}/run").get_data(as_text=True)
    assert "data-timer" in page and "js/timer.js" in page
    assert f'data-target-seconds="{item.planned_minutes * 60}"' in page
    prefix = f"minutes-{item.id}-"
    response = client.post(f"/meetings/{meeting.id}/run/items/{item.id}/minutes", data={
        f"{prefix}minutes": "Reached by phone; agreed to meet the peer coach.",
        f"{prefix}is_discussed": "y", f"{prefix}version_id": str(item.version_id)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    (row,) = _discussions(situation)
    assert row.note == "Reached by phone; agreed to meet the peer coach."
    assert row.user_id == manager.id


def test_other_items_get_meeting_modes_item_timer_not_a_situation_timer(
        manager, running_meeting, make_agenda_item, login, client):
    meeting = running_meeting()
    other = make_agenda_item(meeting, title="Naloxone kits", item_type="internal")
    login(manager)
    page = client.get(f"/meetings/{meeting.id}/run").get_data(as_text=True)
    assert "Naloxone kits" in page
    assert 'aria-label="Timer for' not in page  # the situation timer's group
    assert f'data-timer-key="item-{other.id}"' in page  # meeting mode's planned vs elapsed


def test_record_discussion_directly_is_idempotent_per_meeting(
        manager, situation, running_meeting):
    meeting = running_meeting()
    risk_agenda.record_discussion(manager, situation, meeting, note="A")
    risk_agenda.record_discussion(manager, situation, meeting, note="A")
    db.session.commit()
    assert len(_discussions(situation)) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "discuss")) == 1


def test_the_history_partial_lists_meetings_notes_and_who(
        app, manager, situation, running_meeting, situation_item):
    first = running_meeting(-7, "Situation Table, last week")
    second = running_meeting(0, "Situation Table, this week")
    _save(manager, situation_item(second), "Connected to Harbor intake.")
    _save(manager, situation_item(first), "Accepted; visit planned.")
    db.session.refresh(situation)
    with app.test_request_context():
        html = render_template("risk/_situation_history.html", situation=situation)
    assert "Discussed at 2 meetings" in html
    assert html.index("Situation Table, last week") < html.index("Situation Table, this week")
    assert "Accepted; visit planned." in html and "Connected to Harbor intake." in html
    assert "Dora Discussant" in html
    assert f"/meetings/{first.id}" in html and f"/meetings/{second.id}" in html


def test_the_history_partial_without_discussions(app, situation):
    with app.test_request_context():
        html = render_template("risk/_situation_history.html", situation=situation)
    assert "Not discussed at a meeting yet." in html
    assert "Discussed at 0 meetings" in html
