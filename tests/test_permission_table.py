"""The permission table covers every route, and the coarse levels hold for every role."""

from __future__ import annotations

import pytest

from coalition.core.permissions import COORDINATOR, LEADER, LOGIN, PUBLIC, ROUTES


def _url_for_rule(rule, object_id: int = 1) -> str:
    url = rule.rule
    for argument in rule.arguments:
        url = url.replace(f"<int:{argument}>", str(object_id)).replace(f"<{argument}>", "x")
        url = url.replace(f"<path:{argument}>", "css/app.css")
    return url


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


def _rules(app, level=None):
    for rule in app.url_map.iter_rules():
        if level is None or ROUTES.get(rule.endpoint, (None,))[0] == level:
            yield rule


def test_every_route_is_in_the_permission_table(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(ROUTES))
    assert missing == [], f"routes missing from core/permissions.py ROUTES: {missing}"


def test_the_permission_table_names_no_route_that_does_not_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(set(ROUTES) - endpoints) == []


def test_an_unlisted_route_is_refused(app, client, make_user, login):
    app.add_url_rule("/unlisted-probe", "unlisted_probe", lambda: "reachable")
    login(make_user("coordinator"))
    assert client.get("/unlisted-probe").status_code == 403


def test_anonymous_users_are_sent_to_sign_in_from_every_non_public_route(app, client):
    checked = 0
    for rule in _rules(app):
        if ROUTES[rule.endpoint][0] == PUBLIC:
            continue
        method = _method(rule)
        response = client.open(_url_for_rule(rule), method=method)
        assert response.status_code == 302, (rule.rule, method, response.status_code)
        assert response.headers["Location"].startswith("/login"), rule.rule
        checked += 1
    assert checked >= 30


@pytest.mark.parametrize("role", ["member", "leader"])
def test_coordinator_routes_refuse_other_roles(app, client, make_user, login, role):
    login(make_user(role))
    rules = list(_rules(app, COORDINATOR))
    assert rules
    for rule in rules:
        method = _method(rule)
        response = client.open(_url_for_rule(rule), method=method)
        assert response.status_code == 403, (role, rule.rule, method, response.status_code)


def test_leader_routes_refuse_members(app, client, make_user, login):
    login(make_user("member"))
    for rule in _rules(app, LEADER):
        response = client.open(_url_for_rule(rule), method=_method(rule))
        assert response.status_code == 403, rule.rule


def test_coordinators_pass_the_coarse_check_everywhere(app, client, make_user, login):
    login(make_user("coordinator"))
    for rule in _rules(app):
        if ROUTES[rule.endpoint][0] == PUBLIC or rule.endpoint == "auth.logout":
            continue
        response = client.open(_url_for_rule(rule, object_id=999999), method=_method(rule))
        assert response.status_code not in (403, 500), (rule.rule, response.status_code)


def test_members_reach_every_login_level_list_page(app, client, make_user, login):
    login(make_user("member"))
    for rule in _rules(app, LOGIN):
        if rule.arguments or "GET" not in rule.methods:
            continue
        response = client.get(_url_for_rule(rule))
        assert response.status_code == 200, (rule.rule, response.status_code)


def test_unknown_ids_answer_404_not_500(app, client, make_user, login):
    login(make_user("coordinator"))
    for rule in _rules(app):
        if not rule.arguments or "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        response = client.get(_url_for_rule(rule, object_id=424242))
        assert response.status_code == 404, (rule.rule, response.status_code)


def test_a_case_reviewing_table_is_hidden_from_members_not_seated_there(
        client, make_user, login, make_table, make_org, make_person, seat):
    ofr = make_table("ofr", name="Fatality review team")
    outsider = make_user("member", person=make_person())
    login(outsider)
    assert client.get(f"/tables/{ofr.id}").status_code == 404
    listing = client.get("/tables").get_data(as_text=True)
    assert "Fatality review team" not in listing


def test_a_seated_member_sees_their_case_reviewing_table(
        client, make_user, login, make_table, make_org, make_person, seat):
    ofr = make_table("ofr", name="Fatality review team")
    person = make_person()
    seat(person, ofr, make_org())
    login(make_user("member", person=person))
    assert client.get(f"/tables/{ofr.id}").status_code == 200
