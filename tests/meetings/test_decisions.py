"""Decisions recorded on an agenda item, and action items created on the spot from one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coalition.actions.models import ActionItem
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.meetings.models import Decision
from coalition.meetings.services import running as run


@pytest.fixture
def running(make_table, make_meeting, make_agenda_item, make_user, make_org, make_person, seat):
    table = make_table(name="Coalition")
    ems = make_org("County EMS")
    owner = make_person("Olive Owner")
    seat(owner, table, ems)
    meeting = make_meeting(table, status="in_progress")
    return {"meeting": meeting, "ems": ems, "owner": owner,
            "item": make_agenda_item(meeting, title="Naloxone vending machines"),
            "coordinator": make_user("coordinator"),
            "member": make_user("member", person=owner)}


def decision_url(item) -> str:
    return f"/meetings/{item.meeting_id}/run/items/{item.id}/decisions"


def action_url(item) -> str:
    return f"/meetings/{item.meeting_id}/run/items/{item.id}/action-items"


def action_data(item, owner_id, **overrides) -> dict:
    values = {"title": "Draft a siting plan", "owner_id": str(owner_id),
              "due_on": (local_today() + timedelta(days=14)).isoformat(), "priority": "high"}
    values.update(overrides)
    return {f"action-{item.id}-{key}": value for key, value in values.items()}


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_decision_is_its_own_record_linked_to_the_item(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    response = client.post(decision_url(item),
                           data={f"decision-{item.id}-text": "Pilot two machines."})
    assert response.status_code == 302
    [decision] = db.session.scalars(select(Decision))
    assert (decision.text, decision.agenda_item_id, decision.meeting_id,
            decision.created_by_id) == ("Pilot two machines.", item.id, item.meeting_id,
                                        running["coordinator"].id)


def test_a_decision_is_shown_under_its_item(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    client.post(decision_url(item), data={f"decision-{item.id}-text": "Pilot two machines."})
    page = client.get(f"/meetings/{item.meeting_id}/run").get_data(as_text=True)
    assert "Pilot two machines." in page


def test_a_decision_is_audited(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    client.post(decision_url(item), data={f"decision-{item.id}-text": "Pilot two machines."})
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "decisions")) == 1


def test_an_empty_decision_is_a_field_message(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    response = client.post(decision_url(item), data={f"decision-{item.id}-text": "   "})
    assert response.status_code == 400
    assert "Enter the decision." in response.get_data(as_text=True)
    assert count(Decision) == 0


@pytest.mark.parametrize("status", ["scheduled", "closed"])
def test_decisions_are_not_recorded_unless_the_meeting_is_in_progress(client, login, running,
                                                                      status):
    item = running["item"]
    running["meeting"].status = status
    db.session.commit()
    login(running["coordinator"])
    response = client.post(decision_url(item), data={f"decision-{item.id}-text": "Late"})
    assert response.status_code == 400
    assert "only while the meeting is in progress" in response.get_data(as_text=True)
    assert count(Decision) == 0


def test_a_member_may_not_record_a_decision(client, login, running):
    item = running["item"]
    login(running["member"])
    response = client.post(decision_url(item), data={f"decision-{item.id}-text": "Mine"})
    assert response.status_code == 403
    assert count(Decision) == 0


def test_an_action_item_is_created_on_the_spot_from_an_item(client, login, running):
    item, owner = running["item"], running["owner"]
    login(running["coordinator"])
    response = client.post(action_url(item), data=action_data(item, owner.id))
    assert response.status_code == 302, response.get_data(as_text=True)
    [action] = db.session.scalars(select(ActionItem))
    assert (action.title, action.owner_id, action.source_meeting_id,
            action.source_agenda_item_id, action.priority) == (
        "Draft a siting plan", owner.id, item.meeting_id, item.id, "high")


def test_the_action_items_organization_defaults_to_the_owners_seat(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    client.post(action_url(item), data=action_data(item, running["owner"].id))
    [action] = db.session.scalars(select(ActionItem))
    assert action.organization_id == running["ems"].id


def test_an_action_item_is_listed_under_its_item(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    client.post(action_url(item), data=action_data(item, running["owner"].id))
    page = client.get(f"/meetings/{item.meeting_id}/run").get_data(as_text=True)
    assert "Draft a siting plan: Olive Owner (County EMS)" in page


def test_an_owner_not_seated_at_the_table_is_a_field_error(client, login, running, make_person):
    item = running["item"]
    stranger = make_person("Sam Stranger")
    login(running["coordinator"])
    response = client.post(action_url(item), data=action_data(item, stranger.id))
    assert response.status_code == 400
    assert f'id="action-{item.id}-owner_id-error"' in response.get_data(as_text=True)
    assert count(ActionItem) == 0


def test_the_service_refuses_an_owner_not_seated_at_the_table(running, make_person):
    with pytest.raises(ServiceError) as refused:
        run.add_action_item(running["coordinator"], running["item"], title="Plan",
                            owner_id=make_person().id, due_on=local_today())
    assert refused.value.field == "owner_id"


def test_a_due_date_long_past_is_a_field_error(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    response = client.post(action_url(item), data=action_data(
        item, running["owner"].id, due_on=(local_today() - timedelta(days=90)).isoformat()))
    assert response.status_code == 400
    assert f'id="action-{item.id}-due_on-error"' in response.get_data(as_text=True)
    assert count(ActionItem) == 0


def test_action_items_are_not_created_unless_the_meeting_is_in_progress(client, login, running):
    item = running["item"]
    running["meeting"].status = "closed"
    db.session.commit()
    login(running["coordinator"])
    response = client.post(action_url(item), data=action_data(item, running["owner"].id))
    assert response.status_code == 400
    assert count(ActionItem) == 0


def test_a_seated_member_creates_an_action_item_on_the_spot(client, login, running):
    item = running["item"]
    login(running["member"])
    response = client.post(action_url(item), data=action_data(item, running["owner"].id))
    assert response.status_code == 302
    assert count(ActionItem) == 1


def test_a_member_not_seated_at_the_table_may_not_create_an_action_item(
        client, login, running, make_user, make_person):
    item = running["item"]
    login(make_user("member", person=make_person("Una Seated")))
    response = client.post(action_url(item), data=action_data(item, running["owner"].id))
    assert response.status_code == 403
    assert count(ActionItem) == 0
