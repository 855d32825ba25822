"""What an outside review of sign-in found, each tried through HTTP: nobody anonymous can lock
others out, the real client address is used only behind a configured proxy, anonymous failures
cannot flood the audit log, sessions end with a password change and after a maximum lifetime,
weak passwords and guesses of the current one are refused, and huge requests are refused
before they are read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from coalition.core.db import utcnow
from coalition.core.models import AuditEvent, LoginFailure, UserSession
from coalition.core.throttle import DEVICE_COOKIE, THROTTLED_LOGIN_ERROR
from coalition.extensions import db
from tests.conftest import TEST_PASSWORD

WRONG = "not the password at all"


def _attempt(test_client, email, password=WRONG, address="198.51.100.7"):
    return test_client.post("/login", data={"email": email, "password": password},
                            environ_base={"REMOTE_ADDR": address})


def _signed_in_once(app, user, address="198.51.100.7"):
    """A browser the user signed in from (it now carries the device cookie), signed out."""
    browser = app.test_client()
    assert _attempt(browser, user.email, TEST_PASSWORD, address).status_code == 302
    assert browser.get_cookie(DEVICE_COOKIE) is not None
    browser.post("/logout")
    return browser


def test_an_attacker_cannot_lock_a_known_users_browser_out(app, make_user):
    """Five wrong passwords for the coordinator's e-mail lock it for unknown browsers only: the
    coordinator's own browser still signs in, from the same public address."""
    coordinator = make_user("coordinator")
    own_browser = _signed_in_once(app, coordinator)
    attacker = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 3):
        _attempt(attacker, coordinator.email)
    assert _attempt(attacker, coordinator.email, TEST_PASSWORD).status_code == 429
    assert _attempt(own_browser, coordinator.email, TEST_PASSWORD).status_code == 302


def test_many_failures_from_one_address_do_not_lock_everyone_behind_it(app, make_user):
    """A county network behind one address: an anonymous client's failures throttle unknown
    browsers from that address, never a browser a user has signed in from."""
    user = make_user()
    browser = _signed_in_once(app, user)
    attacker = app.test_client()
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] + 5):
        _attempt(attacker, f"guess{n}@example.test")
    assert _attempt(attacker, user.email, TEST_PASSWORD).status_code == 429
    assert _attempt(browser, user.email, TEST_PASSWORD).status_code == 302
    elsewhere = app.test_client()  # another address is not affected at all
    assert _attempt(elsewhere, user.email, TEST_PASSWORD, "203.0.113.9").status_code == 302


def test_a_known_browser_has_its_own_count(app, make_user):
    user = make_user()
    browser = _signed_in_once(app, user)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _attempt(browser, user.email).status_code == 401
    assert _attempt(browser, user.email, TEST_PASSWORD).status_code == 429


def test_unknown_and_known_emails_are_throttled_alike(app, make_user):
    """A lock says nothing about which e-mails have an account."""
    user = make_user()
    replies = {}
    for email in (user.email, "nobody-here@example.test"):
        client = app.test_client()
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            _attempt(client, email, address="192.0.2.50")
        response = _attempt(client, email, address="192.0.2.50")
        replies[email] = (response.status_code, THROTTLED_LOGIN_ERROR.split(";")[0]
                          in response.get_data(as_text=True).replace("&#39;", "'"))
    assert set(replies.values()) == {(429, True)}


def test_a_coordinator_clears_an_accounts_lock(app, client, login, make_user, coordinator):
    user = make_user()
    stranger = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _attempt(stranger, user.email)
    assert _attempt(stranger, user.email, TEST_PASSWORD).status_code == 429
    login(coordinator)
    page = client.get(f"/users/{user.id}").get_data(as_text=True)
    assert "Locked for new browsers" in page
    assert client.post(f"/users/{user.id}/clear-lock").status_code == 302
    assert _attempt(stranger, user.email, TEST_PASSWORD).status_code == 302
    [row] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "clear_sign_in_lock")).all()
    assert row.object_id == user.id and row.user_id == coordinator.id


def test_anonymous_failures_cannot_flood_the_audit_log(app):
    attacker = app.test_client()
    for n in range(120):
        _attempt(attacker, f"Password{n}@oops.test")
    rows = db.session.scalars(select(AuditEvent)).all()
    assert len(rows) <= 2  # one failure row and one throttled row for this address and window
    assert all("Password" not in row.summary and row.actor_label == "anonymous" for row in rows)
    assert not db.session.scalar(select(func.count(LoginFailure.id)).where(
        LoginFailure.account_key.contains("Password")))


def test_hammering_a_known_account_writes_one_throttled_row_per_window(app, make_user):
    user = make_user()
    attacker = app.test_client()
    for _ in range(60):
        _attempt(attacker, user.email)
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "users", AuditEvent.object_id == user.id)))
    assert actions.count("login_failed") == app.config["LOGIN_MAX_FAILURES"]
    assert actions.count("login_throttled") == 1


@pytest.mark.parametrize("app_config", [{"PROXY_COUNT": 1}])
def test_behind_a_configured_proxy_the_forwarded_address_counts(app, client, app_config):
    client.post("/login", data={"email": "x@example.test", "password": "y"},
                headers={"X-Forwarded-For": "203.0.113.77"},
                environ_base={"REMOTE_ADDR": "10.0.0.2"})
    addresses = set(db.session.scalars(select(LoginFailure.client_address)))
    assert "203.0.113.77" in addresses


def test_without_a_configured_proxy_a_forwarded_header_is_ignored(app, client):
    client.post("/login", data={"email": "x@example.test", "password": "y"},
                headers={"X-Forwarded-For": "203.0.113.77"},
                environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert set(db.session.scalars(select(LoginFailure.client_address))) == {"10.0.0.2"}


# --- sessions ---------------------------------------------------------------------------------

def test_changing_the_password_signs_out_the_other_sessions(app, client, login, make_user):
    user = make_user()
    other = login(user, test_client=app.test_client())
    login(user)
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "a brand new passphrase 42",
        "confirm_password": "a brand new passphrase 42"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this one stays signed in
    assert other.get("/").status_code == 302  # the other one is signed out
    ended = db.session.scalars(select(UserSession).where(
        UserSession.end_reason == "password_changed")).all()
    assert len(ended) == 1


def test_a_session_ends_after_its_maximum_lifetime_however_active(app, client, login,
                                                                 make_user):
    user = make_user()
    login(user)
    db.session.execute(update(UserSession).values(
        created_at=utcnow() - timedelta(hours=app.config["SESSION_LIFETIME_HOURS"], minutes=1)))
    db.session.commit()
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/login"
    assert "maximum length" in response.get_data(as_text=True)
    assert db.session.scalars(select(UserSession)).one().end_reason == "expired"


@pytest.mark.parametrize("weak", ["password1234", "qwertyuiop12", "aaaaaaaaaaaaaaab"])
def test_common_passwords_are_refused_however_long(client, login, make_user, weak):
    login(make_user())
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": weak, "confirm_password": weak})
    assert response.status_code == 400
    assert "too easy to guess" in response.get_data(as_text=True)


def test_guesses_of_the_current_password_are_throttled(app, client, login, make_user):
    login(make_user())
    data = {"new_password": "a brand new passphrase 42",
            "confirm_password": "a brand new passphrase 42"}
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        response = client.post("/account/password", data=dict(data, current_password=WRONG))
        assert response.status_code == 400
    response = client.post("/account/password", data=dict(data, current_password=TEST_PASSWORD))
    assert response.status_code == 429


def test_a_huge_request_is_refused_before_it_is_read(raw_client):
    response = raw_client.post("/login", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
