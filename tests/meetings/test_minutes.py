"""Minutes per agenda item: saving, the revision history, edit conflicts, the "discussed" mark,
and the rule that minutes change only while the meeting is in progress."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, MinutesRevision


@pytest.fixture
def running(make_table, make_meeting, make_agenda_item, make_user, make_org, make_person, seat):
    """An in-progress coalition meeting with one item, a coordinator and a seated member."""
    table = make_table(name="Coalition")
    member = make_person("Morgan Member")
    seat(member, table, make_org("Harm Reduction Works"))
    meeting = make_meeting(table, status="in_progress")
    item = make_agenda_item(meeting, title="Naloxone distribution")
    return {"meeting": meeting, "item": item,
            "coordinator": make_user("coordinator", name="Casey Coordinator"),
            "member": make_user("member", person=member)}


def minutes_url(item) -> str:
    return f"/meetings/{item.meeting_id}/run/items/{item.id}/minutes"


def minutes_data(item, text: str, *, version=None, discussed: bool = False) -> dict:
    prefix = f"minutes-{item.id}-"
    data = {prefix + "minutes": text,
            prefix + "version_id": str(item.version_id if version is None else version)}
    if discussed:
        data[prefix + "is_discussed"] = "y"
    return data


def revisions(item) -> list[MinutesRevision]:
    return list(db.session.scalars(select(MinutesRevision)
                                   .where(MinutesRevision.agenda_item_id == item.id)
                                   .order_by(MinutesRevision.id)))


def reload(item) -> AgendaItem:
    db.session.expire_all()
    return db.session.get(AgendaItem, item.id)


def test_saving_minutes_stores_the_text_and_a_revision(client, login, running):
    item, coordinator = running["item"], running["coordinator"]
    login(coordinator)
    response = client.post(minutes_url(item), data=minutes_data(item, "Kits went to 3 sites."))
    assert response.status_code == 302
    assert reload(item).minutes == "Kits went to 3 sites."
    [revision] = revisions(item)
    assert (revision.text, revision.user_id) == ("Kits went to 3 sites.", coordinator.id)


def test_saving_minutes_is_audited(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    client.post(minutes_url(item), data=minutes_data(item, "Audited text"))
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "minutes", AuditEvent.object_id == item.id)) == 1


def test_every_save_appends_a_revision_listed_in_the_history(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    client.post(minutes_url(item), data=minutes_data(item, "First draft"))
    client.post(minutes_url(item), data=minutes_data(reload(item), "Second draft"))
    assert [r.text for r in revisions(item)] == ["First draft", "Second draft"]
    page = client.get(f"/meetings/{item.meeting_id}/run").get_data(as_text=True)
    assert "Minutes history (2 saves)" in page
    assert "First draft" in page and "Casey Coordinator" in page


def test_a_save_on_top_of_someone_elses_save_is_refused_and_shows_both_texts(
        app, client, login, running):
    item = running["item"]
    started_from = item.version_id
    other = login(running["coordinator"], test_client=app.test_client())
    other.post(minutes_url(item), data=minutes_data(item, "Their words", version=started_from))
    login(running["coordinator"])
    response = client.post(minutes_url(item),
                           data=minutes_data(item, "My words", version=started_from))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved a change to this item&#39;s minutes" in page
    assert "Their words" in page  # theirs, as saved
    assert "My words</textarea>" in page  # yours, kept in the box
    assert reload(item).minutes == "Their words"
    assert [r.text for r in revisions(item)] == ["Their words"]


def test_after_a_conflict_saving_again_from_the_shown_version_succeeds(
        app, client, login, running):
    item = running["item"]
    started_from = item.version_id
    other = login(running["coordinator"], test_client=app.test_client())
    other.post(minutes_url(item), data=minutes_data(item, "Theirs", version=started_from))
    login(running["coordinator"])
    client.post(minutes_url(item), data=minutes_data(item, "Mine", version=started_from))
    response = client.post(minutes_url(item), data=minutes_data(reload(item), "Theirs + mine"))
    assert response.status_code == 302
    assert [r.text for r in revisions(item)] == ["Theirs", "Theirs + mine"]


def test_the_discussed_checkbox_marks_the_item_without_a_new_revision(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    response = client.post(minutes_url(item), data=minutes_data(item, "", discussed=True))
    assert response.status_code == 302
    assert reload(item).is_discussed is True
    assert revisions(item) == []


def test_clearing_discussed_unmarks_the_item(client, login, running):
    item = running["item"]
    item.is_discussed = True
    db.session.commit()
    login(running["coordinator"])
    client.post(minutes_url(item), data=minutes_data(item, ""))
    assert reload(item).is_discussed is False


@pytest.mark.parametrize("status", ["draft", "scheduled", "closed"])
def test_minutes_are_not_saved_unless_the_meeting_is_in_progress(client, login, running, status):
    meeting, item = running["meeting"], running["item"]
    meeting.status = status
    db.session.commit()
    login(running["coordinator"])
    response = client.post(minutes_url(item), data=minutes_data(item, "Too late"))
    assert response.status_code == 400
    assert "only while the meeting is in progress" in response.get_data(as_text=True)
    assert reload(item).minutes == ""
    assert revisions(item) == []


def test_a_reopened_meeting_takes_minutes_again(client, login, running):
    meeting, item = running["meeting"], running["item"]
    meeting.is_reopened = True
    db.session.commit()
    login(running["coordinator"])
    client.post(minutes_url(item), data=minutes_data(item, "Correction after reopening"))
    assert reload(item).minutes == "Correction after reopening"


def test_a_member_who_does_not_manage_the_table_may_not_save_minutes(client, login, running):
    item = running["item"]
    login(running["member"])
    response = client.post(minutes_url(item), data=minutes_data(item, "Member text"))
    assert response.status_code == 403
    assert reload(item).minutes == ""


def test_a_member_sees_the_minutes_read_only(client, login, running):
    item = running["item"]
    item.minutes = "Agreed to expand hours."
    db.session.commit()
    login(running["member"])
    page = client.get(f"/meetings/{item.meeting_id}/run").get_data(as_text=True)
    assert "Agreed to expand hours." in page
    assert "<textarea" not in page


def test_an_item_of_another_meeting_is_404(client, login, running, make_meeting,
                                           make_agenda_item):
    other_item = make_agenda_item(make_meeting(running["meeting"].table, status="in_progress"))
    login(running["coordinator"])
    url = f"/meetings/{running['meeting'].id}/run/items/{other_item.id}/minutes"
    assert client.post(url, data=minutes_data(other_item, "x")).status_code == 404
    assert reload(other_item).minutes == ""


def test_minutes_longer_than_the_limit_are_a_field_message(client, login, running):
    item = running["item"]
    login(running["coordinator"])
    response = client.post(minutes_url(item), data=minutes_data(item, "x" * 50_001))
    assert response.status_code == 400
    assert "Use at most 50000 characters." in response.get_data(as_text=True)
    assert revisions(item) == []
