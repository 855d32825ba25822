"""Who may reach each action item route: every route × the people around one item."""

from __future__ import annotations

import pytest

from coalition.core.permissions import ROUTES

ACTION_ENDPOINTS = {"actions.my_items", "actions.item_list", "actions.item_export",
                    "actions.item_detail", "actions.item_update", "actions.item_edit",
                    "actions.item_new", "actions.my_assigned", "actions.item_hand_over"}


def test_every_action_route_is_in_the_permission_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("actions.")}
    assert endpoints == ACTION_ENDPOINTS
    assert endpoints <= set(ROUTES)


LISTS = [("GET", "/actions/mine"), ("GET", "/actions"), ("POST", "/actions/export.csv")]


@pytest.mark.parametrize(("method", "url"), LISTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["member", "leader", "coordinator"])
@pytest.mark.parametrize(("method", "url"), LISTS)
def test_every_role_reaches_the_lists(client, login, make_user, make_person, role, method,
                                      url):
    login(make_user(role, person=make_person()))
    assert client.open(url, method=method).status_code == 200


def _update(item):
    return {"status": "in_progress", "note": "", "version_id": item.version_id}


def _edit(item, setting):
    return {"title": "Renamed", "description": "", "owner_id": setting.owner.id,
            "organization_id": "", "due_on": item.due_on.isoformat(), "priority": "normal",
            "version_id": item.version_id}


# who → (detail, update, edit) status codes for an item of a coalition table owned by Olive
MATRIX = {
    "owner": (200, 302, 403),
    "colleague": (200, 403, 403),
    "manager": (200, 302, 302),
    "coordinator": (200, 302, 302),
    "leader": (200, 403, 403),
    "unseated member": (200, 403, 403),
}


@pytest.fixture
def person_for(setting, make_user, make_person):
    def pick(who: str):
        return {"owner": lambda: setting.owner_user,
                "colleague": lambda: setting.colleague_user,
                "manager": lambda: setting.manager_user,
                "coordinator": lambda: make_user("coordinator"),
                "leader": lambda: make_user("leader"),
                "unseated member": lambda: make_user("member", person=make_person())}[who]()
    return pick


@pytest.mark.parametrize("who", MATRIX)
@pytest.mark.parametrize("action", [0, 1, 2])
def test_item_routes_on_a_coalition_table(client, login, setting, make_action_item, person_for,
                                          who, action):
    item = make_action_item(setting.meeting, setting.owner)
    login(person_for(who))
    if action == 0:
        response = client.get(f"/actions/{item.id}")
    elif action == 1:
        response = client.post(f"/actions/{item.id}/update", data=_update(item))
    else:
        response = client.post(f"/actions/{item.id}/edit", data=_edit(item, setting))
    assert response.status_code == MATRIX[who][action]


@pytest.mark.parametrize("suffix", ["", "/update", "/edit"])
def test_items_of_a_case_reviewing_table_are_404_to_unseated_members(
        client, login, make_user, make_person, make_table, make_meeting, make_action_item,
        suffix):
    item = make_action_item(make_meeting(make_table("ofr")), make_person())
    login(make_user("member", person=make_person()))
    method = "GET" if not suffix else "POST"
    assert client.open(f"/actions/{item.id}{suffix}", method=method).status_code == 404


def test_the_owner_sees_their_item_even_at_a_table_they_cannot_see(
        client, login, make_user, make_person, make_table, make_meeting, make_action_item):
    owner = make_person()
    item = make_action_item(make_meeting(make_table("ofr")), owner, title="Renew the MOU")
    login(make_user("member", person=owner))
    response = client.get(f"/actions/{item.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1 class=\"text-break\">Renew the MOU</h1>" in html and "Report progress" in html


def test_a_post_without_a_csrf_token_is_refused(client, login, setting, make_action_item):
    item = make_action_item(setting.meeting, setting.owner)
    login(setting.owner_user)
    client.add_csrf = False  # from here on, like a forged cross-site request
    response = client.post(f"/actions/{item.id}/update", data=_update(item))
    assert response.status_code == 400


# --- members assigning: the new routes × the people around one table -------------------------

ASSIGNING_LISTS = [("GET", "/actions/assigned"), ("GET", "/actions/new"),
                   ("GET", "/notifications"), ("POST", "/notifications/read")]


@pytest.mark.parametrize(("method", "url"), ASSIGNING_LISTS)
def test_anonymous_visitors_are_sent_to_sign_in_from_the_assigning_routes(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["member", "leader", "coordinator"])
@pytest.mark.parametrize(("method", "url", "status"),
                         [("GET", "/actions/assigned", 200), ("GET", "/actions/new", 200),
                          ("GET", "/notifications", 200), ("POST", "/notifications/read", 302)])
def test_every_role_reaches_its_own_assigning_pages(client, login, make_user, make_person, role,
                                                    method, url, status):
    login(make_user(role, person=make_person()))
    assert client.open(url, method=method).status_code == status


# who → (new item page for the table, hand over Olive's item) status codes
ASSIGNING_MATRIX = {
    "owner": (200, 302),
    "colleague": (200, 403),
    "manager": (200, 403),  # managers reassign with the edit form
    "coordinator": (200, 403),
    "leader": (404, 403),
    "unseated member": (404, 403),
}


@pytest.mark.parametrize("who", ASSIGNING_MATRIX)
@pytest.mark.parametrize("action", [0, 1])
def test_assigning_routes_on_a_coalition_table(client, login, setting, make_action_item,
                                               person_for, who, action):
    item = make_action_item(setting.meeting, setting.owner)
    login(person_for(who))
    if action == 0:
        response = client.get(f"/actions/new?table_id={setting.table.id}")
    else:
        response = client.post(f"/actions/{item.id}/hand-over", data={
            "handover-owner_id": setting.colleague.id, "handover-note": "Over to you",
            "handover-version_id": item.version_id})
    assert response.status_code == ASSIGNING_MATRIX[who][action]


def test_a_member_not_seated_there_cannot_post_a_new_item_for_the_table(
        client, login, setting, make_user, make_person):
    login(make_user("member", person=make_person()))
    response = client.post("/actions/new", data={
        "table_id": setting.table.id, "title": "Sneaky", "owner_id": setting.owner.id,
        "due_on": "2030-01-01", "priority": "normal"})
    assert response.status_code == 404


def test_the_hand_over_of_a_hidden_case_table_item_is_404(client, login, make_user, make_person,
                                                         make_table, make_meeting,
                                                         make_action_item):
    item = make_action_item(make_meeting(make_table("ofr")), make_person())
    login(make_user("member", person=make_person()))
    assert client.post(f"/actions/{item.id}/hand-over").status_code == 404
