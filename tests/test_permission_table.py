"""The permission table covers every route, and the coarse levels hold for every role.

Each route of the application is a test case of its own (collected from an application built
for the purpose), so a route that breaks a rule fails by name.
"""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from coalition import create_app
from coalition.core.permissions import COORDINATOR, LEADER, LOGIN, PUBLIC, ROUTES
from tests.conftest import BASE_CONFIG


def _collected_rules() -> list[tuple[str, str, str]]:
    """``(endpoint, rule, method)`` of every route, from a throwaway application."""
    app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI="sqlite://",
                          IDENTITY_KEY=Fernet.generate_key().decode()))
    return sorted({(rule.endpoint, rule.rule, "GET" if "GET" in rule.methods else "POST")
                   for rule in app.url_map.iter_rules()})


RULES = _collected_rules()
IDS = [f"{method} {rule}" for _, rule, method in RULES]


def _url(rule: str, object_id: int = 1) -> str:
    url = rule
    for part in rule.split("<")[1:]:
        placeholder = "<" + part.split(">", 1)[0] + ">"
        if placeholder.startswith("<int:"):
            url = url.replace(placeholder, str(object_id))
        elif placeholder.startswith("<path:"):
            url = url.replace(placeholder, "css/app.css")
        else:
            url = url.replace(placeholder, "x")
    return url


def _level(endpoint: str) -> str | None:
    return ROUTES.get(endpoint, (None,))[0]


@pytest.mark.parametrize(("endpoint", "rule", "method"), RULES, ids=IDS)
def test_the_route_is_in_the_permission_table(app, endpoint, rule, method):
    assert endpoint in ROUTES, f"{endpoint} ({rule}) is missing from its domain's ROUTES"


def test_the_permission_table_names_no_route_that_does_not_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(set(ROUTES) - endpoints) == []


def test_an_unlisted_route_is_refused(app, client, make_user, login):
    app.add_url_rule("/unlisted-probe", "unlisted_probe", lambda: "reachable")
    login(make_user("coordinator"))
    assert client.get("/unlisted-probe").status_code == 403


@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in RULES if _level(r[0]) != PUBLIC],
                         ids=[i for r, i in zip(RULES, IDS, strict=True) if _level(r[0]) != PUBLIC])
def test_anonymous_users_are_sent_to_sign_in(client, endpoint, rule, method):
    response = client.open(_url(rule), method=method)
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["member", "leader"])
@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in RULES if _level(r[0]) == COORDINATOR],
                         ids=[i for r, i in zip(RULES, IDS, strict=True)
                              if _level(r[0]) == COORDINATOR])
def test_coordinator_routes_refuse_other_roles(client, make_user, login, role, endpoint, rule,
                                               method):
    login(make_user(role))
    assert client.open(_url(rule), method=method).status_code == 403


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("leader", 200),
                                              ("coordinator", 200)])
def test_the_leader_level_admits_leaders_and_coordinators(app, client, make_user, login,
                                                          monkeypatch, role, status):
    app.add_url_rule("/leader-probe", "leader_probe", lambda: "reachable")
    monkeypatch.setitem(ROUTES, "leader_probe", (LEADER, "a probe of the leader level"))
    login(make_user(role))
    assert client.get("/leader-probe").status_code == status


@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in RULES if _level(r[0]) not in (PUBLIC, None)
                          and r[0] != "auth.logout"],
                         ids=[i for r, i in zip(RULES, IDS, strict=True)
                              if _level(r[0]) not in (PUBLIC, None) and r[0] != "auth.logout"])
def test_coordinators_pass_the_coarse_check(client, make_user, login, endpoint, rule, method):
    login(make_user("coordinator"))
    response = client.open(_url(rule, object_id=999999), method=method)
    assert response.status_code not in (403, 500), response.status_code


def _open_list_page(rule) -> bool:
    """A LOGIN-level GET page without an id, and without a 403 of its own in the table."""
    endpoint, path, method = rule
    return (_level(endpoint) == LOGIN and "<" not in path and method == "GET"
            and "(403)" not in ROUTES[endpoint][1])


@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in RULES if _open_list_page(r)],
                         ids=[i for r, i in zip(RULES, IDS, strict=True) if _open_list_page(r)])
def test_members_reach_every_login_level_list_page(client, make_user, login, endpoint, rule,
                                                   method):
    login(make_user("member"))
    assert client.get(rule).status_code == 200


@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in RULES if "<int:" in r[1] and r[2] == "GET"],
                         ids=[i for r, i in zip(RULES, IDS, strict=True)
                              if "<int:" in r[1] and r[2] == "GET"])
def test_unknown_ids_answer_404_not_500(client, make_user, login, endpoint, rule, method):
    login(make_user("coordinator"))
    assert client.get(_url(rule, object_id=424242)).status_code == 404


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
    response = client.get(f"/tables/{ofr.id}")
    assert response.status_code == 200
    assert ">Fatality review team</h1>" in response.get_data(as_text=True)


def test_every_domain_declares_its_own_routes():
    """Routes are declared by the domain that owns them: each blueprint's endpoints come from
    that domain's ``permissions`` (or package) module, core's from core."""
    from coalition.actions.permissions import ROUTES as ACTIONS
    from coalition.core.permissions import CORE_ROUTES
    from coalition.gaps.permissions import ROUTES as GAPS
    from coalition.meetings.permissions import ROUTES as MEETINGS
    from coalition.ofr.permissions import ROUTES as OFR
    from coalition.reporting import ROUTES as REPORTING
    from coalition.risk.permissions import ROUTES as RISK
    from coalition.roster.permissions import ROUTES as ROSTER

    declared = {"actions": ACTIONS, "meetings": MEETINGS, "main": REPORTING, "risk": RISK,
                "roster": ROSTER, "ofr": OFR, "gaps": GAPS}
    for blueprint, table in declared.items():
        assert all(endpoint.startswith(f"{blueprint}.") for endpoint in table), blueprint
    assert sum(map(len, declared.values())) + len(CORE_ROUTES) == len(ROUTES)
