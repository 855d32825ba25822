"""``flask send-reminders``: daily digests of overdue and due-soon items, by SMTP or outbox."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from coalition.actions import services as actions
from coalition.actions.models import ReminderDigest
from coalition.extensions import db
from tests.conftest import audit_rows, count

TODAY = date(2026, 11, 23)


def _send(runner, *args):
    result = runner.invoke(args=["send-reminders", "--today", TODAY.isoformat(), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _outbox(app) -> list[Path]:
    folder = Path(app.config["OUTBOX_DIR"])
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def _read(path: Path):
    return message_from_bytes(path.read_bytes(), policy=policy.default)


@pytest.fixture
def due_items(setting, make_action_item):
    """Olive: one overdue, one due in 3 days, one due in 20 days, one done overdue."""
    meeting, owner = setting.meeting, setting.owner
    return [make_action_item(meeting, owner, title="Overdue flyers", due_on=TODAY - timedelta(2)),
            make_action_item(meeting, owner, title="Soon map", due_on=TODAY + timedelta(3)),
            make_action_item(meeting, owner, title="Later plan", due_on=TODAY + timedelta(20)),
            make_action_item(meeting, owner, title="Done long ago", status="done",
                             due_on=TODAY - timedelta(9))]


def test_the_digest_lists_overdue_and_due_soon_open_items(app, runner, due_items):
    output = _send(runner)
    [path] = _outbox(app)
    message = _read(path)
    body = message.get_content()
    assert message["To"] == "Olive Owner <olive@eastside.example>"
    assert message["From"] == app.config["MAIL_FROM"]
    assert "[OVERDUE] Overdue flyers" in body and "[Due soon] Soon map" in body
    assert "Later plan" not in body and "Done long ago" not in body
    assert "1 digest(s), 2 item(s)" in output


def test_days_widens_the_window(app, runner, due_items):
    _send(runner, "--days", "30")
    assert "Later plan" in _read(_outbox(app)[0]).get_content()


def test_the_digest_is_recorded_and_audited(runner, setting, due_items):
    _send(runner)
    digest = db.session.scalar(select(ReminderDigest))
    assert (digest.person_id, digest.sent_on, digest.item_count, digest.delivery) == (
        setting.owner.id, TODAY, 2, "outbox")
    assert len(audit_rows("send_reminder")) == 1


def test_running_twice_the_same_day_sends_nothing_new(app, runner, due_items):
    _send(runner)
    output = _send(runner)
    assert "0 digest(s), 0 item(s)" in output
    assert len(_outbox(app)) == 1 and count(ReminderDigest) == 1


def test_the_next_day_sends_again(app, runner, due_items):
    _send(runner)
    result = runner.invoke(args=["send-reminders", "--today", (TODAY + timedelta(1)).isoformat()])
    assert "1 digest(s)" in result.output
    assert count(ReminderDigest) == 2


def test_people_without_an_email_get_no_digest(app, runner, setting, make_action_item,
                                               make_person, seat):
    quiet = make_person("No Mail", email="")
    seat(quiet, setting.table, setting.org)
    make_action_item(setting.meeting, quiet, due_on=TODAY)
    assert "0 digest(s)" in _send(runner)
    assert _outbox(app) == []


def test_reassigning_an_item_stops_reminders_to_the_previous_owner(
        app, runner, setting, make_action_item):
    item = make_action_item(setting.meeting, setting.owner, title="Hand over",
                            due_on=TODAY + timedelta(1))
    actions.edit_action_item(setting.manager_user, item, version_id=item.version_id,
                             title=item.title, description="", owner_id=setting.colleague.id,
                             organization_id=None, due_on=item.due_on, priority="normal")
    db.session.commit()
    _send(runner)
    [path] = [p for p in _outbox(app) if not p.name.startswith("notice-")]
    message = _read(path)
    assert message["To"] == "Cole League <cole@eastside.example>"
    assert "Hand over" in message.get_content()


class FakeSMTP:
    sent: list = []
    calls: list = []

    def __init__(self, host, port, timeout=None):
        FakeSMTP.calls.append(("connect", host, port))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        FakeSMTP.calls.append(("starttls",))

    def login(self, user, password):
        FakeSMTP.calls.append(("login", user, password))

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def test_with_a_mail_server_digests_go_out_by_smtp(app, runner, monkeypatch, due_items):
    FakeSMTP.sent, FakeSMTP.calls = [], []
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.county.example", MAIL_PORT=587, MAIL_USE_TLS=True,
                      MAIL_USERNAME="coalition", MAIL_PASSWORD="secret")
    _send(runner)
    assert FakeSMTP.calls == [("connect", "smtp.county.example", 587), ("starttls",),
                              ("login", "coalition", "secret")]
    [message] = FakeSMTP.sent
    assert message["To"] == "Olive Owner <olive@eastside.example>"
    assert _outbox(app) == []
    assert db.session.scalar(select(ReminderDigest.delivery)) == "smtp"


def test_a_failed_delivery_is_reported_and_may_be_retried(app, runner, monkeypatch, due_items):
    class BrokenSMTP(FakeSMTP):
        def send_message(self, message):
            raise OSError("connection refused")

    monkeypatch.setattr("smtplib.SMTP", BrokenSMTP)
    app.config["MAIL_SERVER"] = "smtp.county.example"
    result = runner.invoke(args=["send-reminders", "--today", TODAY.isoformat()])
    assert "Could not send the digest to Olive Owner" in result.output
    assert count(ReminderDigest) == 0
