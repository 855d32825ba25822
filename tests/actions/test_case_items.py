"""Action items born of case material inherit the case's need-to-know.

The finding: an item typed during a case discussion ("follow up with <name>'s family") was read
by a leader not seated at the table, on its page, in the CSV, on the next agenda and in its PDFs,
and its title was copied into the audit log. Now only people seated at the table who attested
the meeting it came from (and its owner) read it; everywhere else it is "Case action item
AI-00042".
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from coalition.actions.models import ActionItem
from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.extensions import db
from coalition.meetings import services as meetings
from coalition.meetings.models import AgendaItem, Attestation

SECRET = "Follow up with Jane Doe's family"


@pytest.fixture
def case_setting(make_table, make_org, make_person, seat, make_user, make_meeting,
                 make_agenda_item, client, login):
    """An OFR table whose manager decides an action item on a case item of a running meeting,
    owned by a seated member; a leader, an unseated coordinator and a seated member who did not
    attest that meeting look on."""
    ofr = make_table("ofr", name="Fatality Review Team", cadence_days=28)
    org = make_org("County Health")
    manager = make_person("Mona Manager", organizations=[org])
    owner = make_person("Oscar Owner", organizations=[org], email="oscar@health.example")
    absent = make_person("Abby Absent", organizations=[org])
    for person, role in ((manager, "manager"), (owner, "member"), (absent, "member")):
        seat(person, ofr, org, role=role)
    meeting = make_meeting(ofr, status="in_progress", title="October review")
    case_item = make_agenda_item(meeting, title="Case 2026-031 presentation", item_type="case")
    db.session.add(Attestation(meeting_id=meeting.id, person_id=manager.id, method="paper",
                               agreement_version="test"))
    db.session.commit()
    users = {"manager": make_user("member", person=manager),
             "owner": make_user("member", person=owner),
             "absent": make_user("member", person=absent),
             "leader": make_user("leader"), "coordinator": make_user("coordinator")}
    login(users["manager"])
    response = client.post(
        f"/meetings/{meeting.id}/run/items/{case_item.id}/action-items",
        data={f"action-{case_item.id}-title": SECRET,
              f"action-{case_item.id}-owner_id": str(owner.id),
              f"action-{case_item.id}-due_on": (local_today() - timedelta(days=1)).isoformat(),
              f"action-{case_item.id}-priority": "high"})
    assert response.status_code == 302
    client.post("/logout")
    item = db.session.scalars(select(ActionItem)).one()
    return {"table": ofr, "meeting": meeting, "item": item, "users": users}


def test_the_item_is_case_material_and_the_log_names_it_by_code(case_setting):
    item = case_setting["item"]
    assert item.is_case and item.code.startswith("AI-")
    rows = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "action_items")).all()
    assert rows and all(SECRET not in row.summary for row in rows)
    assert all(row.case_table_id == case_setting["table"].id for row in rows)


@pytest.mark.parametrize(("who", "status"), [
    ("leader", 404), ("coordinator", 404), ("absent", 404), ("owner", 200), ("manager", 200)])
def test_its_page_is_shown_only_within_its_need_to_know(client, login, case_setting, who,
                                                       status):
    login(case_setting["users"][who])
    response = client.get(f"/actions/{case_setting['item'].id}")
    assert response.status_code == status
    assert (SECRET.replace("'", "&#39;") in response.get_data(as_text=True)) == (status == 200)


@pytest.mark.parametrize("who", ["leader", "coordinator", "absent"])
def test_lists_and_the_csv_name_it_by_code_only(client, login, case_setting, who):
    item = case_setting["item"]
    login(case_setting["users"][who])
    listing = client.get("/actions?status=all").get_data(as_text=True)
    assert f"Case action item {item.code}" in listing and "Jane Doe" not in listing
    response = client.post("/actions/export.csv", data={"status": "all"})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    [row] = [r for r in rows[1:] if r[0] == str(item.id)]
    assert row[1] == f"Case action item {item.code}" and "Jane Doe" not in ",".join(row)


def _next_meeting(case_setting, make_meeting):
    meeting = make_meeting(case_setting["table"], status="scheduled", title="November review",
                           starts_at=case_setting["meeting"].starts_at + timedelta(days=28))
    meetings.refresh_due_items(None, meeting)
    db.session.commit()
    return meeting


def test_the_next_agenda_lists_it_as_a_case_line_by_code(case_setting, make_meeting):
    meeting = _next_meeting(case_setting, make_meeting)
    [line] = db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id,
        AgendaItem.action_item_id == case_setting["item"].id)).all()
    assert line.item_type == "case"
    assert line.title == f"Case action item {case_setting['item'].code}"


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


@pytest.mark.parametrize("who", ["leader", "absent"])
def test_the_next_agenda_and_its_pdfs_do_not_show_it(client, login, case_setting, make_meeting,
                                                     who):
    meeting = _next_meeting(case_setting, make_meeting)
    login(case_setting["users"][who])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Jane Doe" not in page and case_setting["item"].code not in page
    for url in (f"/meetings/{meeting.id}/agenda.pdf?variant=public",
                f"/meetings/{meeting.id}/agenda.pdf?variant=confidential",
                f"/meetings/{case_setting['meeting'].id}/minutes.pdf?actions=1&internal=1"):
        text = _pdf_text(client.get(url))
        assert "Jane Doe" not in text and case_setting["item"].code not in text, url
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all() == []


def test_the_reminder_names_it_by_code(runner, case_setting):
    from coalition.actions.reminders import build_message, pending_digests

    [digest] = pending_digests(local_today(), 7)
    body = build_message(digest, local_today()).get_content()
    assert f"Case action item {case_setting['item'].code}" in body
    assert "Jane Doe" not in body
