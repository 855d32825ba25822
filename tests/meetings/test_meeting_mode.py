"""Meeting mode: one agenda item in focus, the others one line each with their state, next and
previous as plain links and buttons that save what was typed before moving."""

from __future__ import annotations

import pytest

from coalition.extensions import db
from coalition.meetings.models import Decision


@pytest.fixture
def agenda(make_table, make_meeting, make_agenda_item, make_user):
    meeting = make_meeting(make_table(name="Coalition"), status="in_progress")
    section = make_agenda_item(meeting, title="Old business", is_section=True)
    first = make_agenda_item(meeting, title="Naloxone kits", is_discussed=True,
                             minutes="Kits delivered.")
    second = make_agenda_item(meeting, title="Grant report")
    third = make_agenda_item(meeting, title="Next date")
    db.session.add(Decision(meeting_id=meeting.id, agenda_item=first, text="Order more."))
    db.session.commit()
    return {"meeting": meeting, "section": section, "first": first, "second": second,
            "third": third, "coordinator": make_user("coordinator")}


def run_page(client, agenda, query: str = "") -> str:
    return client.get(f"/meetings/{agenda['meeting'].id}/run{query}").get_data(as_text=True)


def test_the_first_item_not_yet_discussed_is_in_focus(client, login, agenda):
    login(agenda["coordinator"])
    page = run_page(client, agenda)
    assert page.count('class="run-item-form"') == 1
    assert f'id="minutes-{agenda["second"].id}-minutes"' in page
    assert f'id="minutes-{agenda["first"].id}-minutes"' not in page


def test_an_item_is_put_in_focus_by_a_plain_link(client, login, agenda):
    login(agenda["coordinator"])
    page = run_page(client, agenda, f"?item={agenda['third'].id}")
    assert f'id="minutes-{agenda["third"].id}-minutes"' in page
    assert f'href="/meetings/{agenda["meeting"].id}/run?item={agenda["first"].id}' in page


def test_the_other_items_show_one_line_with_their_state(client, login, agenda):
    login(agenda["coordinator"])
    page = run_page(client, agenda)
    assert "minutes: yes · 1 decision · 0 action items" in page  # Naloxone kits
    assert "minutes: no · 0 decisions · 0 action items" in page


def test_next_and_previous_save_what_was_typed_and_move(client, login, agenda):
    login(agenda["coordinator"])
    item, nxt = agenda["second"], agenda["third"]
    page = run_page(client, agenda)
    assert f'name="go" value="{agenda["first"].id}" data-go="previous"' in page
    assert f'name="go" value="{nxt.id}" data-go="next"' in page
    response = client.post(f"/meetings/{item.meeting_id}/run/items/{item.id}/minutes", data={
        f"minutes-{item.id}-minutes": "Typed, then Next.",
        f"minutes-{item.id}-version_id": str(item.version_id), "go": str(nxt.id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/run?item={nxt.id}#item-{nxt.id}")
    db.session.expire_all()
    assert db.session.get(type(item), item.id).minutes == "Typed, then Next."


def test_a_go_that_is_not_an_item_of_the_meeting_stays_on_the_item(client, login, agenda):
    login(agenda["coordinator"])
    item = agenda["second"]
    response = client.post(f"/meetings/{item.meeting_id}/run/items/{item.id}/minutes", data={
        f"minutes-{item.id}-minutes": "", f"minutes-{item.id}-version_id": str(item.version_id),
        "go": str(agenda["section"].id)})
    assert response.headers["Location"].endswith(f"?item={item.id}#item-{item.id}")


def test_every_item_in_full_on_request(client, login, agenda):
    login(agenda["coordinator"])
    page = run_page(client, agenda, "?all=1")
    assert page.count('class="run-item-form"') == 3


def test_the_item_and_the_meeting_have_their_timers(client, login, agenda):
    login(agenda["coordinator"])
    page = run_page(client, agenda)
    assert 'aria-label="Meeting time since its start"' in page
    assert f'data-timer-key="item-{agenda["second"].id}"' in page
    assert "Planned: 40 minutes of 60" in page


def test_items_not_in_focus_show_how_many_action_items_they_made(client, login, agenda,
                                                                 make_action_item,
                                                                 make_person):
    owner = make_person("Owner Person")
    for title in ("Call the pharmacy", "Print flyers"):
        make_action_item(agenda["meeting"], owner, agenda_item=agenda["third"], title=title)
    make_action_item(agenda["meeting"], owner, agenda_item=agenda["second"], title="Draft memo")
    login(agenda["coordinator"])
    page = run_page(client, agenda)  # the second item is in focus
    assert "Draft memo" in page
    assert "Call the pharmacy" not in page and "Print flyers" not in page
    assert "minutes: no · 0 decisions · 2 action items" in page  # the third item's line
    full = run_page(client, agenda, "?all=1")
    assert "Call the pharmacy" in full and "Print flyers" in full and "Draft memo" in full
