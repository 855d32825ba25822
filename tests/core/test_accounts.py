"""Account management screens: create, edit, deactivate, reactivate, reset; who may use them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from coalition.core.models import AuditEvent, User
from coalition.extensions import db
from tests.conftest import TEST_PASSWORD


def _temporary_password(response) -> str:
    match = re.search(r'<code class="user-select-all">([^<]+)</code>',
                      response.get_data(as_text=True))
    assert match, "no temporary password on the page"
    return match.group(1)


def _count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def _audit(action: str, user: User) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_type == "users",
        AuditEvent.object_id == user.id)))


def _new_account(**fields) -> dict:
    return {"name": "Robin Outreach", "email": "robin@agency.org", "site_role": "member",
            "person_id": "", **fields}


# --- creating ---------------------------------------------------------------------------------

def test_a_coordinator_creates_an_account_and_sees_its_temporary_password_once(
        as_coordinator, coordinator):
    response = as_coordinator.post("/users/new", data=_new_account())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "must be changed at first sign-in" in html
    password = _temporary_password(response)

    user = db.session.scalar(select(User).where(User.email == "robin@agency.org"))
    assert user.must_change_password is True and user.site_role == "member"
    assert password not in user.password_hash
    [created] = _audit("create", user)
    assert created.user_id == coordinator.id
    assert password not in as_coordinator.get(f"/users/{user.id}").get_data(as_text=True)


def test_the_new_account_must_change_its_temporary_password_at_first_sign_in(
        app, as_coordinator):
    password = _temporary_password(as_coordinator.post("/users/new", data=_new_account()))
    browser = app.test_client()
    response = browser.post("/login", data={"email": "robin@agency.org", "password": password})
    assert urlsplit(response.location).path == "/account/password"
    assert urlsplit(browser.get("/").location).path == "/account/password"


def test_an_account_can_be_linked_to_a_roster_person_without_an_account(
        as_coordinator, make_person, make_user):
    free = make_person("Free Person")
    taken = make_person("Taken Person")
    make_user(person=taken)
    form = as_coordinator.get("/users/new").get_data(as_text=True)
    assert "Free Person" in form and "Taken Person" not in form
    assert re.search(r'<option[^>]*value=""[^>]*>— none —</option>', form)

    as_coordinator.post("/users/new", data=_new_account(person_id=str(free.id)))
    user = db.session.scalar(select(User).where(User.email == "robin@agency.org"))
    assert user.person_id == free.id


def test_a_person_who_already_has_an_account_cannot_be_linked_again(
        as_coordinator, make_person, make_user):
    taken = make_person()
    make_user(person=taken)
    before = _count_users()
    response = as_coordinator.post("/users/new", data=_new_account(person_id=str(taken.id)))
    assert response.status_code == 400
    assert "Choose a person from the list." in response.get_data(as_text=True)
    assert _count_users() == before


def test_a_duplicate_email_in_another_case_is_refused_at_the_field(as_coordinator, make_user):
    make_user(email="robin@agency.org")
    before = _count_users()
    response = as_coordinator.post("/users/new", data=_new_account(
        email="Robin@Agency.ORG", name="Typed Name"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="email-error"[^>]*>An account with this e-mail address already exists',
                     html)
    assert 'value="Typed Name"' in html  # what was typed is kept
    assert _count_users() == before


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "not-an-address"}, "Enter a valid e-mail address"),
    ({"email": ""}, "Enter an e-mail address."),
    ({"name": ""}, "Enter a name."),
    ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
    ({"name": "Nul\x00Byte"}, "Remove the invisible control characters"),
    ({"email": "nul\x00@agency.org"}, "Enter a valid e-mail address"),
    ({"site_role": "superuser"}, "Choose a role from the list."),
    ({"person_id": "999999"}, "Choose a person from the list."),
    ({"person_id": "abc"}, "Choose a person from the list."),
])
def test_bad_account_input_is_refused_with_a_message(as_coordinator, fields, message):
    before = _count_users()
    response = as_coordinator.post("/users/new", data=_new_account(**fields))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count_users() == before


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=300), email=st.text(max_size=300),
       role=st.text(max_size=20), person=st.text(max_size=30))
def test_random_account_input_never_errors_or_half_saves(as_coordinator, name, email, role,
                                                         person):
    before = _count_users()
    response = as_coordinator.post("/users/new", data={
        "name": name, "email": email, "site_role": role, "person_id": person})
    assert response.status_code in (200, 400)
    assert _count_users() == before + (1 if response.status_code == 200 else 0)


# --- editing ----------------------------------------------------------------------------------

@pytest.fixture
def make_account(make_user):
    """An account whose e-mail the form accepts (``.test`` addresses are special-use)."""
    def factory(role: str = "member", **fields):
        user = make_user(role, **fields)
        if "email" not in fields:
            user.email = f"user{user.id}@agency.org"
            db.session.commit()
        return user
    return factory


def _edit_data(user: User, **fields) -> dict:
    return {"name": user.name, "email": user.email, "site_role": user.site_role,
            "person_id": str(user.person_id or ""), "version_id": str(user.version_id),
            **fields}


def test_an_account_is_edited_and_the_change_audited(as_coordinator, make_account):
    user = make_account("member")
    response = as_coordinator.post(f"/users/{user.id}/edit",
                                   data=_edit_data(user, name="New Name", site_role="leader"))
    assert urlsplit(response.location).path == f"/users/{user.id}"
    db.session.refresh(user)
    assert (user.name, user.site_role) == ("New Name", "leader")
    [event] = _audit("update", user)
    assert "site_role: 'member' → 'leader'" in event.summary


def test_the_edit_form_carries_the_version_it_was_loaded_with(as_coordinator, make_account):
    user = make_account()
    html = as_coordinator.get(f"/users/{user.id}/edit").get_data(as_text=True)
    assert re.search(rf'name="version_id" type="hidden" value="{user.version_id}"', html)


@pytest.mark.parametrize("version", ["stale", "", "not-a-number"])
def test_saving_over_someone_elses_change_is_refused_and_nothing_saved(
        as_coordinator, make_account, version):
    user = make_account(name="Original Name")
    data = _edit_data(user, name="My Edit")
    user.name = "Their Edit"  # someone else saves first
    db.session.commit()
    if version != "stale":
        data["version_id"] = version

    response = as_coordinator.post(f"/users/{user.id}/edit", data=data)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved a change to this account while you were working on it" in html
    assert 'value="My Edit"' in html and "Their Edit" in html
    db.session.refresh(user)
    assert user.name == "Their Edit"
    assert _audit("update", user) == []


def test_a_conflict_found_by_the_database_is_reported_the_same_way(as_coordinator,
                                                                   make_account, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from coalition.core import accounts

    def saved_meanwhile(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'users' expected to update 1 row(s)")

    user = make_account(name="Original Name")
    monkeypatch.setattr(accounts, "update_user", saved_meanwhile)
    response = as_coordinator.post(f"/users/{user.id}/edit",
                                   data=_edit_data(user, name="My Edit"))
    assert response.status_code == 409
    assert "Someone else saved a change to this account" in response.get_data(as_text=True)


def test_after_a_conflict_saving_again_applies_the_edit(as_coordinator, make_account):
    user = make_account(name="Original Name")
    data = _edit_data(user, name="My Edit")
    user.name = "Their Edit"
    db.session.commit()
    html = as_coordinator.post(f"/users/{user.id}/edit", data=data).get_data(as_text=True)
    current = re.search(r'name="version_id" type="hidden" value="(\d+)"', html).group(1)

    response = as_coordinator.post(f"/users/{user.id}/edit",
                                   data=dict(data, version_id=current))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name == "My Edit"


def test_a_coordinator_cannot_remove_their_own_coordinator_role(as_coordinator, coordinator):
    response = as_coordinator.post(f"/users/{coordinator.id}/edit",
                                   data=_edit_data(coordinator, site_role="member",
                                                     email="casey@agency.org"))
    assert response.status_code == 400
    assert "You cannot remove your own coordinator role." in response.get_data(as_text=True)
    db.session.refresh(coordinator)
    assert coordinator.site_role == "coordinator"


def test_editing_to_an_email_already_in_use_is_refused(as_coordinator, make_account):
    make_account(email="taken@agency.org")
    user = make_account()
    response = as_coordinator.post(f"/users/{user.id}/edit",
                                   data=_edit_data(user, email="TAKEN@agency.org"))
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


# --- deactivating, reactivating, resetting ----------------------------------------------------

def test_an_account_is_deactivated(as_coordinator, make_user):
    user = make_user()
    response = as_coordinator.post(f"/users/{user.id}/deactivate")
    assert urlsplit(response.location).path == f"/users/{user.id}"
    db.session.refresh(user)
    assert user.is_active_account is False
    assert len(_audit("deactivate", user)) == 1


def test_an_inactive_account_is_reactivated(as_coordinator, make_user):
    user = make_user()
    as_coordinator.post(f"/users/{user.id}/deactivate")
    response = as_coordinator.post(f"/users/{user.id}/reactivate")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_active_account is True
    assert len(_audit("reactivate", user)) == 1


def test_reactivating_an_active_account_is_refused(as_coordinator, make_user):
    user = make_user()
    response = as_coordinator.post(f"/users/{user.id}/reactivate")
    assert response.status_code == 400
    assert "This account is already active." in response.get_data(as_text=True)


def test_a_coordinator_cannot_deactivate_their_own_account(as_coordinator, coordinator):
    response = as_coordinator.post(f"/users/{coordinator.id}/deactivate")
    assert response.status_code == 400
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    db.session.refresh(coordinator)
    assert coordinator.is_active_account is True
    assert as_coordinator.get("/users/").status_code == 200


def test_a_password_reset_issues_a_new_temporary_password(app, as_coordinator, make_user, login):
    user = make_user()
    response = as_coordinator.post(f"/users/{user.id}/reset-password")
    assert response.status_code == 200
    password = _temporary_password(response)
    db.session.refresh(user)
    assert user.must_change_password is True
    assert len(_audit("reset_password", user)) == 1

    browser = app.test_client()
    refused = browser.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert refused.status_code == 401
    login(user, password=password, test_client=browser)


def test_the_account_page_shows_facts_buttons_and_recent_activity(as_coordinator, make_user,
                                                                  make_person):
    user = make_user("leader", person=make_person("Pat Person"))
    html = as_coordinator.get(f"/users/{user.id}").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "Pat Person" in html and "Leader" in html
    for action in ("deactivate", "reset-password"):
        assert re.search(rf'<form method="post" action="/users/{user.id}/{action}"', html)
    assert 'name="csrf_token"' in html
    assert "account for " + user.email in html  # the audit row of its creation


# --- the list ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("q=ann", {"Ann Able"}),
    ("q=BOB%40", {"Bob Baker"}),
    ("role=leader", {"Bob Baker"}),
    ("active=0", {"Cy Gone"}),
    ("active=1&role=member", {"Ann Able"}),
    ("q=%25", set()),  # a LIKE wildcard is searched for literally
])
def test_the_account_list_searches_and_filters(as_coordinator, make_user, query, expected):
    make_user("member", name="Ann Able", email="ann@agency.org")
    make_user("leader", name="Bob Baker", email="bob@agency.org")
    gone = make_user("member", name="Cy Gone", email="cy@agency.org")
    gone.is_active_account = False
    db.session.commit()
    html = as_coordinator.get(f"/users/?{query}").get_data(as_text=True)
    shown = {name for name in ("Ann Able", "Bob Baker", "Cy Gone") if f">{name}</a>" in html}
    assert shown == expected


def test_the_account_list_is_paginated(app, as_coordinator, make_user):
    for _ in range(app.config["PAGE_SIZE"]):
        make_user()
    first = as_coordinator.get("/users/").get_data(as_text=True)
    second = as_coordinator.get("/users/?page=2").get_data(as_text=True)
    assert "page 1 of 2" in first and "page 2 of 2" in second
    assert "page 2 of 2" in as_coordinator.get("/users/?page=99").get_data(as_text=True)


@pytest.mark.parametrize("query", ["role=root", "active=maybe", "q=" + "x" * 201, "q=a%00b"])
def test_bad_list_filters_get_a_message_not_an_error(as_coordinator, query):
    response = as_coordinator.get(f"/users/?{query}")
    assert response.status_code == 400
    assert "invalid-feedback" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999999", "١"])
def test_odd_page_numbers_show_the_first_page(as_coordinator, page):
    response = as_coordinator.get(f"/users/?page={page}")
    assert response.status_code == 200
    assert "1 in all" in response.get_data(as_text=True)


# --- who may use these screens ----------------------------------------------------------------

ACCOUNT_ROUTES = [
    ("GET", "/users/"),
    ("GET", "/users/new"),
    ("POST", "/users/new"),
    ("GET", "/users/{id}"),
    ("GET", "/users/{id}/edit"),
    ("POST", "/users/{id}/edit"),
    ("POST", "/users/{id}/deactivate"),
    ("POST", "/users/{id}/reactivate"),
    ("POST", "/users/{id}/reset-password"),
    ("POST", "/users/{id}/clear-lock"),
]


@pytest.mark.parametrize("role", ["member", "leader"])
@pytest.mark.parametrize(("method", "path"), ACCOUNT_ROUTES)
def test_only_coordinators_reach_the_account_screens(client, make_user, login, role, method,
                                                     path):
    target = make_user("member")
    login(make_user(role))
    response = client.open(path.format(id=target.id), method=method, data={})
    assert response.status_code == 403
    db.session.refresh(target)
    assert target.is_active_account is True and target.must_change_password is False


def test_every_account_endpoint_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("accounts.")}
    assert len(endpoints) == 8
    covered = {path for _, path in ACCOUNT_ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("accounts."):
            assert re.sub(r"<[^>]*user_id>", "{id}", rule.rule) in covered, rule.rule


@pytest.mark.parametrize(("method", "path"), [r for r in ACCOUNT_ROUTES if "{id}" in r[1]])
@pytest.mark.parametrize("user_id", ["999999", "99999999999999999999999", "9" * 5000])
def test_an_unknown_account_id_is_not_found(as_coordinator, method, path, user_id):
    response = as_coordinator.open(path.format(id=user_id), method=method, data={})
    assert response.status_code == 404
