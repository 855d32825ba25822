"""One item's page reads the item with its table, owner and organization, its log with who wrote
and whom each entry reassigned, and the edit form's choices in a fixed number of queries."""

from __future__ import annotations

from coalition.actions import services as actions
from coalition.actions.models import ActionItem
from coalition.extensions import db
from coalition.roster import seats
from tests.conftest import counting_queries


def test_the_seated_choices_are_those_of_the_seats_module(setting, make_table, make_person,
                                                          make_org, seat):
    other = make_table("coalition", name="Another table")
    westside, zeta = make_org("Westside Clinic"), make_org("Zeta Outreach")
    make_org("Unseated Agency")
    gone = make_person("Aaron Gone", is_active=False)
    seat(gone, setting.table, zeta)  # inactive: not offered, his organization still is
    seat(make_person("Bea Twin"), setting.table, westside)
    seat(make_person("Bea Twin"), setting.table, setting.org)  # same name: by id
    seat(make_person("Elsewhere Ed"), other, make_org("Other Table Org"))
    db.session.commit()
    for table in (setting.table, other):
        people, organizations = actions.seated_choices(table.id)
        assert people == seats.people_at(table.id)
        assert organizations == [(org.id, org.name) for org in seats.organizations_at(table.id)]
    assert actions.seated_choices(0) == ([], [])


def _reassign(client, item: dict, to: int, version: int):
    return client.post(f"/actions/{item['id']}/edit", data={
        "version_id": version, "title": item["title"], "description": "", "owner_id": to,
        "organization_id": "", "due_on": item["due_on"], "priority": "normal"})


def _version(item: dict) -> int:
    db.session.expire_all()
    return db.session.get(ActionItem, item["id"]).version_id


def test_the_item_page_does_not_grow_with_its_log(client, login, setting, make_action_item):
    made = make_action_item(setting.meeting, setting.owner, title="Call the clinic")
    item = {"id": made.id, "title": made.title, "due_on": made.due_on.isoformat()}
    owner, colleague = setting.owner.id, setting.colleague.id
    login(setting.manager_user)
    assert _reassign(client, item, colleague, _version(item)).status_code == 302

    def page():
        db.session.expunge_all()  # as a new request finds it: nothing loaded yet
        with counting_queries() as statements:
            html = client.get(f"/actions/{item['id']}").get_data(as_text=True)
        return html, len(statements)

    html, few = page()
    assert "Reassigned from Olive Owner to Cole League" in html
    for n, to in enumerate([owner, colleague, owner], start=3):
        assert _reassign(client, item, to, _version(item)).status_code == 302
        assert client.post(f"/actions/{item['id']}/update", data={
            "version_id": _version(item), "status": "in_progress" if n % 2 else "open",
            "note": f"Note {n}"}).status_code == 302
    html, many = page()
    # the session, the item (its table, owner, organization) with its log (who wrote, whom it
    # reassigned) in one query, the manager's seat, the form's choices (the source is joined
    # to the item)
    assert many == few == 4
    assert html.count("Reassigned from") == 4 and "Note 5" in html
    assert "Status: In progress → Open" in html


def test_the_item_page_keeps_its_choices_until_the_roster_changes(client, login, setting,
                                                                  make_action_item,
                                                                  make_person, seat):
    made = make_action_item(setting.meeting, setting.owner, title="Call the clinic")
    url = f"/actions/{made.id}"
    # the owner, a coordinator: shown the edit and the hand-over forms
    setting.owner_user.site_role = "coordinator"
    db.session.commit()
    login(setting.owner_user)

    def page():
        db.session.expunge_all()
        with counting_queries() as statements:
            html = client.get(url).get_data(as_text=True)
        return html, len(statements)

    first, built = page()
    again, kept = page()
    assert again.count("Cole League") == first.count("Cole League") == 2
    assert "Nina Newcomer" not in first
    assert kept == built - 2  # the edit and hand-over choices were kept
    seat(make_person("Nina Newcomer"), setting.table, setting.org)
    db.session.commit()
    html, _ = page()
    # both the owner select (edit form) and the new-owner select (hand-over) offer her
    assert html.count("Nina Newcomer") == 2


def test_the_action_selects_write_what_the_wtforms_select_writes(app):
    from wtforms.widgets import Select

    from coalition.actions.forms import ActionEditForm, ActionFilterForm, ActionUpdateForm

    with app.test_request_context():
        update = ActionUpdateForm(formdata=None, data={"status": "blocked"})
        edit = ActionEditForm(formdata=None, data={"priority": "high"})
        filters = ActionFilterForm(formdata=None)
        for field in (update.status, edit.priority, filters.status):
            assert str(field()) == str(Select()(field))
            assert " selected" in str(field())
