"""One form per agenda item on the run screen: each of its buttons saves everything typed in it
(minutes, a new decision, a new action item) together, and a refusal keeps everything typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coalition.actions.models import ActionItem
from coalition.core.localtime import local_today
from coalition.extensions import db
from coalition.meetings.models import AgendaItem, Decision, MinutesRevision
from coalition.meetings.views.run_screen import minutes_digest


@pytest.fixture
def running(make_table, make_meeting, make_agenda_item, make_user, make_org, make_person, seat):
    table = make_table(name="Coalition")
    owner = make_person("Olive Owner")
    seat(owner, table, make_org("County EMS"))
    meeting = make_meeting(table, status="in_progress")
    return {"meeting": meeting, "owner": owner,
            "item": make_agenda_item(meeting, title="Naloxone vending machines"),
            "coordinator": make_user("coordinator"), "other": make_user("coordinator")}


def url(item, kind: str) -> str:
    return f"/meetings/{item.meeting_id}/run/items/{item.id}/{kind}"


def whole_form(item, *, minutes="", decision="", action_title="", owner_id="",
               digest_of=None) -> dict:
    """What the browser sends for the item's form, whichever button was pressed."""
    due = (local_today() + timedelta(days=14)).isoformat() if action_title else ""
    return {
        f"minutes-{item.id}-minutes": minutes,
        f"minutes-{item.id}-version_id": str(item.version_id),
        f"minutes-{item.id}-digest": minutes_digest(item.minutes if digest_of is None
                                                    else digest_of),
        f"decision-{item.id}-text": decision,
        f"action-{item.id}-title": action_title, f"action-{item.id}-owner_id": str(owner_id),
        f"action-{item.id}-organization_id": "", f"action-{item.id}-due_on": due,
        f"action-{item.id}-priority": "normal",
    }


def saved(item):
    db.session.expire_all()
    fresh = db.session.get(AgendaItem, item.id)
    decisions = [d.text for d in db.session.scalars(select(Decision))]
    actions = [a.title for a in db.session.scalars(select(ActionItem))]
    return fresh.minutes, decisions, actions


def test_the_run_screen_has_one_form_per_item_with_three_buttons(client, login, running):
    login(running["coordinator"])
    item = running["item"]
    page = client.get(f"/meetings/{item.meeting_id}/run").get_data(as_text=True)
    assert page.count('class="run-item-form"') == 1
    assert f'formaction="{url(item, "decisions")}"' in page
    assert f'formaction="{url(item, "action-items")}"' in page


def test_recording_a_decision_also_saves_the_minutes_typed(client, login, running):
    login(running["coordinator"])
    item = running["item"]
    response = client.post(url(item, "decisions"), data=whole_form(
        item, minutes="Two machines discussed.", decision="Pilot two machines."))
    assert response.status_code == 302
    assert saved(item) == ("Two machines discussed.", ["Pilot two machines."], [])


def test_adding_an_action_item_also_saves_minutes_and_decision(client, login, running):
    login(running["coordinator"])
    item = running["item"]
    response = client.post(url(item, "action-items"), data=whole_form(
        item, minutes="Sites listed.", decision="Go ahead.", action_title="Draft a plan",
        owner_id=running["owner"].id))
    assert response.status_code == 302
    assert saved(item) == ("Sites listed.", ["Go ahead."], ["Draft a plan"])


def test_an_incomplete_action_item_saves_nothing_and_keeps_everything_typed(
        client, login, running):
    login(running["coordinator"])
    item = running["item"]
    response = client.post(url(item, "action-items"), data=whole_form(
        item, minutes="Kept minutes.", decision="Kept decision.", action_title="No owner"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose who owns this action item." in page
    assert "Kept minutes." in page and "Kept decision." in page and 'value="No owner"' in page
    assert saved(item) == ("", [], [])


def test_saving_minutes_leaves_an_empty_decision_alone(client, login, running):
    login(running["coordinator"])
    item = running["item"]
    response = client.post(url(item, "minutes"), data=whole_form(item, minutes="Only minutes."))
    assert response.status_code == 302
    assert saved(item) == ("Only minutes.", [], [])


def test_an_untouched_minutes_box_does_not_overwrite_a_newer_save(client, login, running):
    """Someone saved minutes after this page was loaded; recording a decision without touching
    the minutes keeps their text and is no conflict."""
    item = running["item"]
    page_data = whole_form(item, decision="Pilot.")  # loaded while the minutes were empty
    item.minutes = "Their minutes."
    item.revisions.append(MinutesRevision(text="Their minutes.", user_id=running["other"].id))
    db.session.commit()
    login(running["coordinator"])
    response = client.post(url(item, "decisions"), data=page_data)
    assert response.status_code == 302
    assert saved(item) == ("Their minutes.", ["Pilot."], [])


def test_typed_minutes_over_a_newer_save_are_a_conflict_and_nothing_is_saved(
        client, login, running):
    item = running["item"]
    page_data = whole_form(item, minutes="My minutes.", decision="Pilot.")
    item.minutes = "Their minutes."
    db.session.commit()
    login(running["coordinator"])
    response = client.post(url(item, "decisions"), data=page_data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Their minutes." in page and "My minutes." in page and "Pilot." in page
    assert saved(item) == ("Their minutes.", [], [])


HTMX = {"HX-Request": "true"}
AUTOSAVE = {"HX-Request": "true", "X-Autosave": "1"}


def revision_texts(item) -> list[str]:
    db.session.expire_all()
    return [r.text for r in db.session.scalars(
        select(MinutesRevision).where(MinutesRevision.agenda_item_id == item.id)
        .order_by(MinutesRevision.id))]


def test_an_autosave_answers_the_saved_state_and_the_new_version(client, login, running):
    login(running["coordinator"])
    item = running["item"]
    response = client.post(url(item, "minutes"), headers=AUTOSAVE,
                           data=whole_form(item, minutes="As I type."))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    db.session.expire_all()
    fresh = db.session.get(AgendaItem, item.id)
    assert body.strip().startswith("Saved ") and "<section" not in body
    assert f'value="{fresh.version_id}" hx-swap-oob="true"' in body
    assert fresh.minutes == "As I type."


def test_autosaves_update_the_recorders_own_recent_revision(client, login, running):
    login(running["coordinator"])
    item = running["item"]
    client.post(url(item, "minutes"), headers=AUTOSAVE, data=whole_form(item, minutes="One"))
    db.session.expire_all()
    item = db.session.get(AgendaItem, item.id)
    client.post(url(item, "minutes"), headers=AUTOSAVE,
                data=whole_form(item, minutes="One two", digest_of="One"))
    assert revision_texts(item) == ["One two"]


def test_an_autosave_after_someone_elses_revision_starts_a_new_one(client, login, running):
    item = running["item"]
    item.minutes = "Theirs"
    item.revisions.append(MinutesRevision(text="Theirs", user_id=running["other"].id))
    db.session.commit()
    login(running["coordinator"])
    client.post(url(item, "minutes"), headers=AUTOSAVE,
                data=whole_form(item, minutes="Theirs and mine"))
    assert revision_texts(item) == ["Theirs", "Theirs and mine"]


def test_an_autosave_saves_only_the_minutes(client, login, running):
    login(running["coordinator"])
    item = running["item"]
    client.post(url(item, "minutes"), headers=AUTOSAVE,
                data=whole_form(item, minutes="Typed.", decision="Not yet recorded."))
    assert saved(item) == ("Typed.", [], [])


def test_an_autosave_over_a_newer_save_answers_the_card_with_the_conflict(client, login,
                                                                          running):
    item = running["item"]
    page_data = whole_form(item, minutes="Mine.")
    item.minutes = "Theirs."
    db.session.commit()
    login(running["coordinator"])
    response = client.post(url(item, "minutes"), headers=AUTOSAVE, data=page_data)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == f"#item-{item.id}"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<section") and "Theirs." in body and "Mine." in body
    assert saved(item)[0] == "Theirs."


def test_a_decision_from_htmx_answers_the_items_card(client, login, running):
    login(running["coordinator"])
    item = running["item"]
    response = client.post(url(item, "decisions"), headers=HTMX,
                           data=whole_form(item, minutes="Kept.", decision="Pilot."))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<section") and "<h1" not in body
    assert "Decision recorded on Naloxone vending machines." in body and "Pilot." in body
    assert saved(item) == ("Kept.", ["Pilot."], [])


def test_the_run_screen_loads_htmx_locally_with_eval_off(client, login, running):
    login(running["coordinator"])
    page = client.get(f"/meetings/{running['meeting'].id}/run").get_data(as_text=True)
    assert 'src="/static/vendor/htmx/htmx.min.js"' in page
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
