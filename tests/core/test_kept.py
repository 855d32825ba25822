"""Results kept until the data changes: the generation is read with the session (no query of
its own), a committed change anywhere makes what was kept stale at once, and a transaction's
own uncommitted changes are never read from, or written to, what is kept."""

from __future__ import annotations

from flask import g

from coalition.core.generation import current_generation
from coalition.core.kept import kept
from coalition.extensions import db
from tests.conftest import counting_queries


def _counter():
    calls = []

    def build():
        calls.append(1)
        return len(calls)
    return calls, build


def test_the_same_generation_builds_once(app):
    calls, build = _counter()
    assert kept("test", 1, build) == 1
    assert kept("test", 1, build) == 1
    assert kept("test", 2, build) == 2  # another key is built for itself
    assert len(calls) == 2


def test_a_committed_change_builds_again(app, make_org):
    calls, build = _counter()
    kept("test", "k", build)
    make_org("Eastside Outreach")  # commits: the generation is raised
    assert kept("test", "k", build) == 2


def test_uncommitted_changes_build_and_keep_nothing(app, make_org):
    org = make_org("Westside Clinic")
    calls, build = _counter()
    kept("test", "k", build)
    org.notes = "changed, not yet committed"
    db.session.flush()
    assert kept("test", "k", build) == 2
    db.session.rollback()
    assert kept("test", "k", build) == 1  # what was kept before is still good
    assert len(calls) == 2


def test_the_generation_comes_with_the_session_and_is_read_again_after_a_commit(
        app, client, login, coordinator, make_org):
    login(coordinator)
    with app.test_request_context("/"):
        before = current_generation()
        g.data_generation = before  # as the session lookup notes it
        with counting_queries() as seen:
            assert current_generation() == before
        assert seen == []
        org = make_org("Northside Recovery")  # this request's own commit
        assert "data_generation" not in g
        assert current_generation() == before + 1
        org.notes = "pending"
        db.session.flush()
        g.data_generation = before + 1
        with counting_queries() as seen:
            current_generation()
        assert len(seen) == 1  # a pending change: the row is read, not the noted value
        db.session.rollback()


def test_a_signed_in_page_reads_no_generation_of_its_own(app, client, login, coordinator):
    login(coordinator)
    client.get("/")
    with counting_queries() as seen:
        client.get("/")
    assert not any(statement.lstrip().upper().startswith("SELECT DATA_GENERATION")
                   for statement in seen)
    assert any("data_generation" in statement for statement in seen)  # inside the session's
