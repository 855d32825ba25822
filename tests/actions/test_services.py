"""The action item verbs: creating from a meeting, updating status and notes, editing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coalition.actions import services as actions
from coalition.actions.models import ActionItem, ActionUpdate
from coalition.actions.sources import SourceRef
from coalition.core.concurrency import EditConflict
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.extensions import db
from coalition.meetings.action_source import from_meeting
from tests.conftest import audit_rows, count


def _create(setting, agenda_item=None, **fields):
    values = {"title": "Share the naloxone map", "owner_id": setting.owner.id,
              "due_on": local_today() + timedelta(days=14)}
    values.update(fields)
    return actions.create_action_item(setting.manager_user, table=setting.table,
                                      source=from_meeting(setting.meeting, agenda_item),
                                      **values)


# --- creating -------------------------------------------------------------------------------

def test_an_item_is_created_open_with_the_owner_seat_organization(setting):
    item = _create(setting)
    db.session.commit()
    assert (item.status, item.priority, item.table_id) == ("open", "normal", setting.table.id)
    assert item.organization_id == setting.org.id
    assert item.source_meeting_id == setting.meeting.id


def test_creating_writes_a_log_row_and_an_audit_row(setting):
    item = _create(setting)
    db.session.commit()
    assert [u.new_status for u in item.updates] == ["open"]
    assert [row.object_id for row in audit_rows("create", "action_items")] == [item.id]


def test_an_item_may_come_from_an_agenda_item_of_its_meeting(setting, make_agenda_item):
    agenda_item = make_agenda_item(setting.meeting)
    item = _create(setting, agenda_item=agenda_item)
    assert item.source_agenda_item_id == agenda_item.id


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"priority": "urgent"}, "priority"),
    ({"due_on": None}, "due_on"),
    ({"owner_id": None}, "owner_id"),
    ({"organization_id": 424242}, "organization_id"),
])
def test_bad_values_are_refused_at_their_field(setting, fields, field):
    with pytest.raises(ServiceError) as raised:
        _create(setting, **fields)
    assert raised.value.field == field


def test_an_owner_not_seated_at_the_table_is_refused_and_nothing_saved(setting, make_person):
    outsider = make_person("Otto Outsider")
    with pytest.raises(ServiceError) as raised:
        _create(setting, owner_id=outsider.id)
    db.session.rollback()
    assert raised.value.field == "owner_id"
    assert count(ActionItem) == 0 and count(ActionUpdate) == 0


def test_a_distant_past_due_date_is_refused_and_nothing_saved(setting):
    with pytest.raises(ServiceError) as raised:
        _create(setting, due_on=local_today() - timedelta(days=31))
    db.session.rollback()
    assert raised.value.field == "due_on"
    assert count(ActionItem) == 0


def test_a_recent_past_due_date_is_accepted(setting):
    item = _create(setting, due_on=local_today() - timedelta(days=30))
    assert item.due_on == local_today() - timedelta(days=30)


def test_a_due_date_years_ahead_is_refused(setting):
    with pytest.raises(ServiceError) as raised:
        _create(setting, due_on=local_today() + timedelta(days=6 * 365))
    assert raised.value.field == "due_on"


def test_a_bad_priority_saves_nothing(setting):
    with pytest.raises(ServiceError):
        _create(setting, priority="urgent")
    db.session.rollback()
    assert count(ActionItem) == 0


def test_a_source_nobody_registered_is_refused_and_nothing_saved(setting):
    with pytest.raises(ServiceError, match="known source"):
        actions.create_action_item(
            setting.manager_user, table=setting.table, title="x", owner_id=setting.owner.id,
            due_on=local_today(), source=SourceRef(key="rumour", columns={}, is_case=False,
                                                   note=""))
    db.session.rollback()
    assert count(ActionItem) == 0


def test_an_item_decided_on_a_case_item_is_case_material(setting, make_table, make_meeting,
                                                         make_agenda_item, seat):
    hub = make_table("risk_review")
    seat(setting.owner, hub, setting.org)
    meeting = make_meeting(hub)
    case_item = make_agenda_item(meeting, item_type="case", title="RS-1 — update")
    item = actions.create_action_item(
        setting.manager_user, table=hub, source=from_meeting(meeting, case_item),
        title="Call Jane Doe's sister", owner_id=setting.owner.id, due_on=local_today())
    db.session.commit()
    assert item.is_case and item.source_agenda_item_id == case_item.id
    row = audit_rows("create", "action_items")[-1]
    assert "Jane" not in row.summary and item.code in row.summary
    assert row.case_table_id == hub.id


# --- updating -------------------------------------------------------------------------------

def test_marking_done_sets_the_completion_date_and_logs_the_change(setting):
    item = _create(setting)
    db.session.commit()
    actions.update_action_item(setting.owner_user, item, status="done", note="Sent it.",
                               version_id=item.version_id)
    db.session.commit()
    assert (item.status, item.completed_on) == ("done", local_today())
    last = item.updates[-1]
    assert (last.old_status, last.new_status, last.note) == ("open", "done", "Sent it.")
    assert last.user_id == setting.owner_user.id
    assert "Open → Done" in audit_rows("update", "action_items")[-1].summary


def test_reopening_clears_the_completion_date(setting):
    item = _create(setting)
    actions.update_action_item(None, item, status="done", version_id=item.version_id)
    actions.update_action_item(None, item, status="in_progress", version_id=item.version_id)
    assert item.completed_on is None


def test_an_update_without_a_change_or_a_note_is_refused(setting):
    item = _create(setting)
    with pytest.raises(ServiceError) as raised:
        actions.update_action_item(setting.owner_user, item, status="open",
                                   version_id=item.version_id)
    assert raised.value.field == "note"


def test_a_stale_version_is_a_conflict(setting):
    item = _create(setting)
    db.session.commit()
    with pytest.raises(EditConflict):
        actions.update_action_item(setting.owner_user, item, status="blocked",
                                   version_id=item.version_id - 1)


def test_a_colleague_may_not_update_someone_elses_item(setting):
    item = _create(setting)
    with pytest.raises(ServiceError):
        actions.update_action_item(setting.colleague_user, item, status="done",
                                   version_id=item.version_id)


# --- editing --------------------------------------------------------------------------------

def _edit(setting, item, **fields):
    values = {"title": item.title, "description": item.description, "owner_id": item.owner_id,
              "organization_id": item.organization_id, "due_on": item.due_on,
              "priority": item.priority, "version_id": item.version_id}
    values.update(fields)
    return actions.edit_action_item(setting.manager_user, item, **values)


def test_reassigning_logs_the_old_and_new_owner(setting):
    item = _create(setting)
    db.session.commit()
    assert _edit(setting, item, owner_id=setting.colleague.id) is True
    db.session.commit()
    last = item.updates[-1]
    assert (last.old_owner_id, last.new_owner_id) == (setting.owner.id, setting.colleague.id)
    assert item.owner_id == setting.colleague.id
    assert "reassigned from Olive Owner to Cole League" in audit_rows("reassign")[-1].summary


def test_an_edit_that_changes_nothing_writes_nothing(setting):
    item = _create(setting)
    db.session.commit()
    logged = len(item.updates)
    assert _edit(setting, item) is False
    assert len(item.updates) == logged


def test_a_member_may_not_edit(setting):
    item = _create(setting)
    with pytest.raises(ServiceError):
        actions.edit_action_item(setting.owner_user, item, version_id=item.version_id,
                                 title="Mine now", description="", owner_id=item.owner_id,
                                 organization_id=None, due_on=item.due_on, priority="high")


def test_an_overdue_item_keeps_its_old_due_date_through_an_edit(setting):
    item = _create(setting)
    item.due_on = local_today() - timedelta(days=90)
    db.session.commit()
    assert _edit(setting, item, priority="high") is True
