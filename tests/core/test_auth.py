"""Signing in and out: hashing, generic errors, throttling, sessions, timeouts, headers."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from coalition.core.auth import GENERIC_LOGIN_ERROR
from coalition.core.db import utcnow
from coalition.core.models import AuditEvent, LoginFailure, User, UserSession
from coalition.core.permissions import PASSWORD_CHANGE_ALLOWED, PUBLIC, ROUTES
from coalition.extensions import db
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "a brand new passphrase 42"


def _alert(response) -> str:
    match = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>',
                      response.get_data(as_text=True), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def _actions(user=None) -> list[str]:
    stmt = select(AuditEvent.action).order_by(AuditEvent.id)
    if user is not None:
        stmt = stmt.where(AuditEvent.object_type == "users", AuditEvent.object_id == user.id)
    return list(db.session.scalars(stmt))


def _age_sessions(user, minutes: int) -> None:
    db.session.execute(
        update(UserSession).where(UserSession.user_id == user.id)
        .values(last_seen_at=utcnow() - timedelta(minutes=minutes))
    )
    db.session.commit()


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == "/login"


# --- the sign-in page -------------------------------------------------------------------------

def test_login_page_has_labelled_email_and_password_fields_and_a_sign_in_button(client):
    html = client.get("/login").get_data(as_text=True)
    assert re.search(r'<label[^>]*for="email"[^>]*>Email</label>', html)
    assert re.search(r'<label[^>]*for="password"[^>]*>Password</label>', html)
    assert 'type="submit" value="Sign in"' in html


def test_unknown_email_and_wrong_password_get_the_same_generic_error(client, make_user):
    user = make_user()
    unknown = client.post("/login", data={"email": "nobody@example.test",
                                          "password": TEST_PASSWORD})
    wrong = client.post("/login", data={"email": user.email, "password": "not the password"})
    assert unknown.status_code == wrong.status_code == 401
    assert _alert(unknown) == _alert(wrong) == GENERIC_LOGIN_ERROR


def test_an_inactive_account_cannot_sign_in(client, make_user):
    user = make_user()
    user.is_active_account = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 401
    assert _alert(response) == GENERIC_LOGIN_ERROR
    assert _is_login_redirect(client.get("/"))


def test_a_sign_in_with_control_characters_is_refused_at_the_field(client):
    response = client.post("/login", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Remove the invisible control characters" in response.get_data(as_text=True)


def test_email_is_matched_whatever_its_case(client, make_user):
    user = make_user(email="mixed.case@example.test")
    response = client.post("/login", data={"email": "  Mixed.Case@Example.TEST ",
                                           "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert db.session.get(User, user.id).last_login_at is not None


def test_after_too_many_failures_even_the_right_password_is_refused_with_429(app, client,
                                                                             make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/login", data={"email": user.email,
                                           "password": "wrong guess"}).status_code == 401
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in _alert(response)
    assert db.session.scalar(select(UserSession.id).where(UserSession.user_id == user.id)) is None


def test_signing_in_starts_a_new_session(client, make_user, login):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(make_user())
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def test_the_password_is_stored_as_an_argon2id_hash(make_user):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash


# --- signing out and server-side sessions -----------------------------------------------------

def test_logout_is_post_only(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_logout_ends_the_server_side_session_so_a_copied_cookie_stops_working(
        app, client, make_user, login):
    login(make_user())
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    assert thief.get("/").status_code == 200  # the copy works while the session is live

    assert _is_login_redirect(client.post("/logout"))

    assert _is_login_redirect(thief.get("/"))
    ended = db.session.scalars(select(UserSession)).one()
    assert ended.ended_at is not None and ended.end_reason == "logout"


def test_sign_in_failure_sign_in_and_sign_out_are_audited(client, make_user, login):
    user = make_user()
    client.post("/login", data={"email": user.email, "password": "wrong guess"})
    login(user)
    client.post("/logout")
    assert _actions(user) == ["create", "login_failed", "login", "logout"]


def test_a_failed_sign_in_with_an_unknown_email_is_audited_without_what_was_typed(client):
    """What is typed in the e-mail box may be a password typed in the wrong box: it is never
    stored, neither in the audit row nor in the throttling counts."""
    client.post("/login", data={"email": "Hunter2-Secret@Example.test", "password": "whatever"})
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.user_id, event.actor_label) == ("login_failed", None,
                                                                "anonymous")
    assert "hunter2" not in event.summary.lower()
    failure = db.session.scalars(select(LoginFailure)).one()
    assert "hunter2" not in failure.account_key.lower() and len(failure.account_key) == 64


def test_an_idle_session_ends_and_says_why(client, make_user, login):
    user = make_user()
    login(user)
    _age_sessions(user, 31)
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/login"
    assert "signed out for inactivity" in response.get_data(as_text=True)
    row = db.session.scalars(select(UserSession)).one()
    assert row.end_reason == "idle"


def test_an_active_session_within_the_idle_limit_continues(client, make_user, login):
    user = make_user()
    login(user)
    _age_sessions(user, 29)
    assert client.get("/").status_code == 200


class TestConfigurableIdleTimeout:
    @pytest.fixture
    def app_config(self):
        return {"IDLE_TIMEOUT_MINUTES": 5}

    @pytest.mark.parametrize(("idle_minutes", "signed_out"), [(4, False), (6, True)])
    def test_idle_timeout_follows_the_setting(self, client, make_user, login, idle_minutes,
                                              signed_out):
        user = make_user()
        login(user)
        _age_sessions(user, idle_minutes)
        assert _is_login_redirect(client.get("/")) is signed_out


def test_deactivation_ends_the_users_open_sessions(app, client, make_user, login):
    member = make_user("member")
    member_browser = login(member, test_client=app.test_client())
    assert member_browser.get("/").status_code == 200

    login(make_user("coordinator"))
    assert client.post(f"/users/{member.id}/deactivate").status_code == 302

    assert _is_login_redirect(member_browser.get("/"))


# --- temporary passwords and changing one's password ------------------------------------------

def _pages_needing_login(app) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        level = ROUTES.get(rule.endpoint, (PUBLIC,))[0]
        if ("GET" in rule.methods and not rule.arguments and level != PUBLIC
                and rule.endpoint not in PASSWORD_CHANGE_ALLOWED):
            paths.append(rule.rule)
    return paths


def test_a_temporary_password_must_be_changed_before_any_page_is_used(app, client, make_user,
                                                                      login):
    login(make_user("coordinator", must_change=True))
    paths = _pages_needing_login(app)
    assert "/users/" in paths and "/" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response.location).path == "/account/password", path


def test_signing_in_with_a_temporary_password_goes_to_the_change_password_page(client,
                                                                               make_user):
    user = make_user(must_change=True)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert urlsplit(response.location).path == "/account/password"


def test_changing_the_temporary_password_unlocks_the_application(app, client, make_user, login):
    user = make_user(must_change=True)
    login(user)
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert db.session.get(User, user.id).must_change_password is False
    assert _actions(user)[-1] == "change_password"
    client.post("/logout")
    login(user, password=NEW_PASSWORD, test_client=app.test_client())


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("not my password", NEW_PASSWORD, NEW_PASSWORD, "Your current password is not correct."),
    (TEST_PASSWORD, "too short", "too short", "Use at least 12 characters."),
    (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "The two new passwords do not match."),
    (TEST_PASSWORD, TEST_PASSWORD, TEST_PASSWORD, "different from the current one"),
    (TEST_PASSWORD, "", "", "Enter a new password."),
])
def test_a_bad_password_change_is_refused_at_the_field(client, make_user, login, current, new,
                                                       confirm, message):
    user = make_user(must_change=True)
    before = user.password_hash
    login(user)
    response = client.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm_password": confirm})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == before and user.must_change_password is True


# --- CSRF, headers and redirects --------------------------------------------------------------

def test_a_post_without_csrf_token_is_refused_and_changes_nothing(raw_client, make_user, login):
    member = make_user("member")
    raw_client.add_csrf = True
    login(make_user("coordinator"), test_client=raw_client)
    raw_client.add_csrf = False
    response = raw_client.post(f"/users/{member.id}/deactivate")
    assert response.status_code == 400
    db.session.refresh(member)
    assert member.is_active_account is True
    assert "deactivate" not in _actions(member)


def test_a_sign_in_without_csrf_token_is_refused(raw_client, make_user):
    user = make_user()
    response = raw_client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert db.session.scalar(select(UserSession.id)) is None


@pytest.mark.parametrize("path", ["/login", "/", "/users/"])
def test_security_headers_are_sent(client, make_user, login, path):
    if path != "/login":
        login(make_user("coordinator"))
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    assert headers["Cache-Control"] == "no-store"


def test_health_check_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_anonymous_visitors_are_sent_to_sign_in_with_the_page_to_return_to(client):
    response = client.get("/users/?q=ann")
    assert _is_login_redirect(response)
    assert parse_qs(urlsplit(response.location).query)["next"] == ["/users/?q=ann"]


def test_after_sign_in_the_user_returns_to_the_page_asked_for(client, make_user):
    user = make_user("coordinator")
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "next": "/users/?q=ann"})
    assert response.location == "/users/?q=ann"


@pytest.mark.parametrize("target", [
    "//evil.example", "//evil.example/users/", "https://evil.example/", "/\\evil.example",
    "/\t/evil.example", "javascript:alert(1)", "evil.example",
])
def test_an_open_redirect_through_next_is_ignored(client, make_user, target):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "next": target})
    assert response.status_code == 302
    assert response.location == "/"


def test_the_sign_in_page_does_not_carry_a_foreign_next_target(client):
    html = client.get("/login?next=//evil.example").get_data(as_text=True)
    assert "evil.example" not in html
