"""Members assign action items: a new item between meetings, handing an item over, "Items I
assigned", and what the owner and the assigner are told (in the app, by e-mail, in the
digest)."""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import select

from coalition.actions import services as actions
from coalition.actions.models import ActionItem, ActionUpdate
from coalition.actions.reminders import build_message, pending_digests, send_digest
from coalition.core.errors import ServiceError
from coalition.core.localtime import local_today
from coalition.core.notifications import Notification
from coalition.extensions import db
from coalition.meetings.models import Attestation
from tests.conftest import audit_rows, count, error_for


def _outbox(app) -> list[Path]:
    folder = Path(app.config["OUTBOX_DIR"])
    return sorted(folder.glob("notice-*.eml")) if folder.exists() else []


def _read(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def _notices(person) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.recipient_id == person.id).order_by(Notification.id)))


def _new(setting, actor=None, **values) -> ActionItem:
    values.setdefault("title", "Call the pharmacies")
    values.setdefault("owner_id", setting.colleague.id)
    values.setdefault("due_on", local_today() + timedelta(days=10))
    item = actions.create_between_meetings(actor or setting.owner_user, setting.table, **values)
    db.session.commit()
    return item


# --- a new item between meetings ------------------------------------------------------------

def test_a_seated_member_assigns_an_item_to_a_seated_colleague(app, setting):
    item = _new(setting)
    assert (item.owner_id, item.assigned_by_id) == (setting.colleague.id, setting.owner.id)
    assert item.source_table_id == setting.table.id and item.source_meeting_id is None
    assert item.is_case is False and item.organization_id == setting.org.id
    [row] = audit_rows("create", "action_items", item.id)
    assert "between meetings" in row.summary
    [notice] = _notices(setting.colleague)
    assert notice.kind == "assigned" and notice.read_at is None
    assert "Olive Owner assigned you “Call the pharmacies”" in notice.text
    assert notice.link == f"/actions/{item.id}"


def test_the_new_owner_is_emailed_once_the_change_is_committed(app, setting):
    _new(setting)
    [path] = _outbox(app)
    message = _read(path)
    assert message["To"] == "Cole League <cole@eastside.example>"
    assert "Call the pharmacies" in message["Subject"]


def test_no_mail_leaves_when_the_change_is_rolled_back(app, setting):
    actions.create_between_meetings(setting.owner_user, setting.table, title="Never saved",
                                    owner_id=setting.colleague.id,
                                    due_on=local_today() + timedelta(days=3))
    db.session.rollback()
    db.session.commit()
    assert _outbox(app) == [] and count(Notification) == 0


def test_a_member_may_assign_an_item_to_themselves_without_being_told(app, setting):
    item = _new(setting, owner_id=setting.owner.id)
    assert item.owner_id == setting.owner.id
    assert count(Notification) == 0


def test_a_member_cannot_assign_to_someone_not_seated_at_the_table(app, setting, make_person):
    outsider = make_person("Otto Outside")
    with pytest.raises(ServiceError) as refused:
        _new(setting, owner_id=outsider.id)
    assert refused.value.field == "owner_id"


def test_a_member_cannot_create_for_a_table_they_do_not_sit_at(app, setting, make_user,
                                                               make_person):
    stranger = make_user("member", person=make_person("Sam Stranger"))
    with pytest.raises(ServiceError) as refused:
        _new(setting, actor=stranger)
    assert refused.value.field == "table_id"


# --- handing over ---------------------------------------------------------------------------

def test_the_owner_hands_the_item_over_with_a_note(app, setting):
    item = _new(setting)
    actions.hand_over(setting.colleague_user, item, owner_id=setting.owner.id,
                      note="I am away until January.", version_id=item.version_id)
    db.session.commit()
    assert (item.owner_id, item.assigned_by_id) == (setting.owner.id, setting.colleague.id)
    last = item.updates[-1]
    assert (last.old_owner_id, last.new_owner_id) == (setting.colleague.id, setting.owner.id)
    assert "I am away until January." in last.note
    [row] = audit_rows("reassign", "action_items", item.id)
    assert "handed over from Cole League to Olive Owner" in row.summary
    [notice] = _notices(setting.owner)
    assert notice.kind == "handed_over" and "I am away until January." in notice.text


def test_a_hand_over_needs_a_note(app, setting):
    item = _new(setting)
    with pytest.raises(ServiceError) as refused:
        actions.hand_over(setting.colleague_user, item, owner_id=setting.owner.id, note="  ",
                          version_id=item.version_id)
    assert refused.value.field == "note"


def test_only_the_owner_hands_an_item_over(app, setting):
    item = _new(setting)
    with pytest.raises(ServiceError):
        actions.hand_over(setting.manager_user, item, owner_id=setting.owner.id, note="Take it",
                          version_id=item.version_id)


def test_an_item_is_handed_only_to_someone_seated(app, setting, make_person):
    item = _new(setting)
    with pytest.raises(ServiceError) as refused:
        actions.hand_over(setting.colleague_user, item, owner_id=make_person().id,
                          note="Take it", version_id=item.version_id)
    assert refused.value.field == "owner_id"


def test_reminders_follow_the_new_owner(app, setting):
    item = _new(setting, due_on=local_today() + timedelta(days=1))
    actions.hand_over(setting.colleague_user, item, owner_id=setting.owner.id, note="Yours",
                      version_id=item.version_id)
    db.session.commit()
    owners = {digest.person.id: digest for digest in pending_digests(local_today(), 7)}
    assert [i.id for i in owners[setting.owner.id].items] == [item.id]
    assert owners.get(setting.colleague.id) is None or owners[setting.colleague.id].items == []


# --- done or blocked ------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["done", "blocked"])
def test_the_assigner_is_told_when_an_item_is_done_or_blocked(app, setting, status):
    item = _new(setting)
    actions.update_action_item(setting.colleague_user, item, status=status, note="",
                               version_id=item.version_id)
    db.session.commit()
    [notice] = _notices(setting.owner)
    assert notice.kind == status and f"marked “Call the pharmacies” {status}" in notice.text
    assert [n.kind for n in _notices(setting.colleague)] == ["assigned"]  # not told of their own


def test_the_owner_and_the_assigner_are_told_when_a_manager_closes_the_item(app, setting):
    item = _new(setting)
    actions.update_action_item(setting.manager_user, item, status="done", note="",
                               version_id=item.version_id)
    db.session.commit()
    assert [n.kind for n in _notices(setting.owner)] == ["done"]
    assert [n.kind for n in _notices(setting.colleague)] == ["assigned", "done"]


def test_progress_short_of_done_or_blocked_tells_no_one(app, setting):
    item = _new(setting)
    actions.update_action_item(setting.colleague_user, item, status="in_progress", note="",
                               version_id=item.version_id)
    db.session.commit()
    assert _notices(setting.owner) == []


# --- case items -----------------------------------------------------------------------------

def test_a_case_item_is_named_by_its_code_only_in_what_the_owner_is_told(
        app, make_table, make_org, make_person, seat, make_user, make_meeting,
        make_agenda_item):
    from coalition.meetings.services import running as run

    ofr = make_table("ofr", name="Fatality Review Team")
    org = make_org()
    member, owner = make_person("Mia Member"), make_person("Oscar Owner", email="o@x.example")
    seat(member, ofr, org)
    seat(owner, ofr, org)
    meeting = make_meeting(ofr, status="in_progress")
    case_item = make_agenda_item(meeting, title="Case 2026-031", item_type="case")
    db.session.add(Attestation(meeting_id=meeting.id, person_id=member.id, method="paper",
                               agreement_version="test"))
    db.session.commit()
    item = run.add_action_item(make_user("member", person=member), case_item,
                               title="Call Jane Doe's sister", owner_id=owner.id,
                               due_on=local_today() + timedelta(days=5))
    db.session.commit()
    [notice] = _notices(owner)
    assert item.is_case and item.code in notice.text
    assert "Jane Doe" not in notice.text
    [path] = _outbox(app)
    assert "Jane Doe" not in path.read_text()


def test_a_seated_member_who_did_not_attest_adds_no_case_action_item(
        app, make_table, make_org, make_person, seat, make_user, make_meeting,
        make_agenda_item):
    from coalition.meetings.services import running as run

    ofr = make_table("ofr")
    org = make_org()
    member = make_person()
    seat(member, ofr, org)
    meeting = make_meeting(ofr, status="in_progress")
    case_item = make_agenda_item(meeting, item_type="case")
    with pytest.raises(ServiceError):
        run.add_action_item(make_user("member", person=member), case_item, title="x",
                            owner_id=member.id, due_on=local_today())


# --- the digest -----------------------------------------------------------------------------

def test_the_digest_has_a_section_of_what_the_person_was_told(app, setting):
    _new(setting, due_on=local_today() + timedelta(days=60))  # not due soon: only the notice
    digests = {d.person.id: d for d in pending_digests(local_today(), 7)}
    digest = digests[setting.colleague.id]
    assert digest.items == [] and len(digest.notices) == 1
    body = build_message(digest, local_today()).get_content()
    assert "New to you" in body and "Olive Owner assigned you “Call the pharmacies”" in body


def test_a_notification_is_in_one_digest_not_in_every_one_while_unread(app, setting):
    _new(setting, due_on=local_today() + timedelta(days=60))
    today = local_today()
    [digest] = [d for d in pending_digests(today, 7) if d.person.id == setting.colleague.id]
    record = send_digest(digest, today)
    db.session.commit()
    tomorrow = today + timedelta(days=1)
    assert setting.colleague.id not in {d.person.id for d in pending_digests(tomorrow, 7)}
    record.created_at -= timedelta(days=1)  # a digest of yesterday; the notice came after it
    db.session.commit()
    [again] = [d for d in pending_digests(tomorrow, 7) if d.person.id == setting.colleague.id]
    assert len(again.notices) == 1


def test_read_notifications_leave_the_digest(app, setting):
    _new(setting, due_on=local_today() + timedelta(days=60))
    for notice in _notices(setting.colleague):
        notice.read_at = notice.created_at
    db.session.commit()
    assert setting.colleague.id not in {d.person.id for d in pending_digests(local_today(), 7)}


# --- the screens ----------------------------------------------------------------------------

def _form(setting, **overrides) -> dict:
    data = {"table_id": str(setting.table.id), "title": "Print the flyers",
            "description": "", "owner_id": str(setting.colleague.id),
            "due_on": (local_today() + timedelta(days=5)).isoformat(), "priority": "normal"}
    data.update(overrides)
    return data


def test_the_new_item_page_offers_only_people_seated_at_the_table(client, login, setting,
                                                                  make_person):
    make_person("Otto Outside")
    login(setting.owner_user)
    response = client.get(f"/actions/new?table_id={setting.table.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cole League" in html and "Otto Outside" not in html


def test_a_member_creates_an_item_from_the_new_item_page(client, login, setting):
    login(setting.owner_user)
    response = client.post("/actions/new", data=_form(setting))
    assert response.status_code == 302
    item = db.session.scalar(select(ActionItem).where(ActionItem.title == "Print the flyers"))
    assert response.headers["Location"].endswith(f"/actions/{item.id}")
    assert item.owner_id == setting.colleague.id


def test_a_refused_owner_is_shown_at_the_field_and_what_was_typed_is_kept(
        client, login, setting, make_person):
    outsider = make_person("Otto Outside")
    login(setting.owner_user)
    response = client.post("/actions/new", data=_form(setting, owner_id=str(outsider.id)))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_for(html, "owner_id")
    assert 'value="Print the flyers"' in html
    assert count(ActionItem) == 0


def test_a_bad_due_date_is_shown_at_the_field(client, login, setting):
    login(setting.owner_user)
    response = client.post("/actions/new", data=_form(setting, due_on="2026-13-45"))
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "due_on")


def test_items_i_assigned_lists_the_item_with_its_status(client, login, setting):
    item = _new(setting)
    login(setting.owner_user)
    html = client.get("/actions/assigned").get_data(as_text=True)
    assert f'href="/actions/{item.id}"' in html and "Cole League" in html and "Open" in html


def test_items_i_assigned_are_not_someone_elses_list(client, login, setting):
    item = _new(setting)
    login(setting.manager_user)
    assert f'href="/actions/{item.id}"' not in client.get("/actions/assigned").get_data(
        as_text=True)


def test_the_owner_hands_over_from_the_item_page(client, login, setting):
    item = _new(setting)
    login(setting.colleague_user)
    page = client.get(f"/actions/{item.id}").get_data(as_text=True)
    assert "Hand over" in page
    response = client.post(f"/actions/{item.id}/hand-over", data={
        "handover-owner_id": str(setting.owner.id), "handover-note": "Back to you.",
        "handover-version_id": str(item.version_id)})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.owner_id == setting.owner.id


def test_a_hand_over_without_a_note_is_sent_back(client, login, setting):
    item = _new(setting)
    login(setting.colleague_user)
    response = client.post(f"/actions/{item.id}/hand-over", data={
        "handover-owner_id": str(setting.owner.id), "handover-note": "",
        "handover-version_id": str(item.version_id)})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "handover-note")


def test_the_header_counts_unread_notifications_and_the_page_marks_them_read(
        client, login, setting):
    _new(setting)
    login(setting.colleague_user)
    html = client.get("/notifications").get_data(as_text=True)
    assert "1<span class=\"visually-hidden\"> unread</span>" in html
    assert "Olive Owner assigned you" in html
    assert client.post("/notifications/read").status_code == 302
    html = client.get("/notifications").get_data(as_text=True)
    assert "unread</span>" not in html and "Mark all read" not in html
    assert _notices(setting.colleague)[0].read_at is not None


def test_the_log_records_who_handed_over(app, setting):
    item = _new(setting)
    actions.hand_over(setting.colleague_user, item, owner_id=setting.owner.id, note="Yours",
                      version_id=item.version_id)
    db.session.commit()
    assert db.session.scalar(select(ActionUpdate.user_id).where(
        ActionUpdate.action_item_id == item.id).order_by(ActionUpdate.id.desc()).limit(1)) \
        == setting.colleague_user.id


def test_the_run_screen_offers_a_seated_member_the_action_item_form_only(
        client, login, setting, make_agenda_item):
    setting.meeting.status = "in_progress"
    item = make_agenda_item(setting.meeting, title="Naloxone vending")
    db.session.commit()
    login(setting.owner_user)
    html = client.get(f"/meetings/{setting.meeting.id}/run").get_data(as_text=True)
    assert f"/run/items/{item.id}/action-items" in html
    assert f"/run/items/{item.id}/minutes" not in html
    assert f"/run/items/{item.id}/decisions" not in html


def test_the_run_screen_offers_no_form_to_a_viewer_not_seated(
        client, login, setting, make_agenda_item, make_user, make_person):
    setting.meeting.status = "in_progress"
    item = make_agenda_item(setting.meeting)
    db.session.commit()
    login(make_user("member", person=make_person()))
    html = client.get(f"/meetings/{setting.meeting.id}/run").get_data(as_text=True)
    assert f"/run/items/{item.id}/action-items" not in html


def test_a_person_no_longer_active_is_not_offered_as_a_new_owner(client, login, setting,
                                                                  make_person, seat):
    gone = make_person("Gail Gone", email="gail@eastside.example")
    seat(gone, setting.table, setting.org)
    gone.is_active = False
    db.session.commit()
    item = _new(setting)
    login(setting.colleague_user)
    page = client.get(f"/actions/{item.id}").get_data(as_text=True)
    assert "Hand over" in page and "Olive Owner" in page
    assert "Gail Gone" not in page
    response = client.post(f"/actions/{item.id}/hand-over", data={
        "handover-owner_id": str(gone.id), "handover-note": "Yours now.",
        "handover-version_id": str(item.version_id)})
    assert response.status_code == 400
    db.session.refresh(item)
    assert item.owner_id == setting.colleague.id
