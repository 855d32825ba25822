"""Command-line verbs, run the way an administrator runs them."""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select

from coalition.core.models import AuditEvent, User, VocabTerm
from coalition.extensions import db


def _vocab_count() -> int:
    return db.session.scalar(select(func.count(VocabTerm.id)))


def test_create_user_makes_a_coordinator_with_a_temporary_password(runner):
    result = runner.invoke(args=["create-user", "--name", "First Coordinator",
                                 "--email", "First@County.example"])
    assert result.exit_code == 0, result.output
    match = re.search(r"Temporary password \(must be changed at first sign-in\): (\S+)",
                      result.output)
    assert match
    user = db.session.scalar(select(User).where(User.email == "first@county.example"))
    assert user.site_role == "coordinator" and user.must_change_password is True
    assert match.group(1) not in user.password_hash
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create"))
    assert event.object_id == user.id and event.actor_label == "system"


def test_create_user_refuses_a_duplicate_email(runner, make_user):
    make_user(email="taken@county.example")
    result = runner.invoke(args=["create-user", "--name", "Again",
                                 "--email", "TAKEN@county.example"])
    assert result.exit_code != 0
    assert "An account with this e-mail address already exists." in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_seed_vocab_adds_nothing_the_second_time(runner):
    db.session.execute(delete(VocabTerm).where(VocabTerm.vocabulary == "gap_type"))
    db.session.commit()
    before = _vocab_count()

    first = runner.invoke(args=["seed-vocab"])
    assert first.exit_code == 0, first.output
    after_first = _vocab_count()
    assert after_first > before

    second = runner.invoke(args=["seed-vocab"])
    assert second.exit_code == 0, second.output
    assert "0 term(s) added" in second.output
    assert _vocab_count() == after_first
