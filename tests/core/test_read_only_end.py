"""A request that only read ends its transaction with COMMIT on PostgreSQL (the driver forgets
its prepared statements at every ROLLBACK), and nothing that wrote is ever committed that way.
A savepoint opened before any write rolls back with its transaction, on SQLite too."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import bindparam, select, text

from coalition.core.db import end_read_only_transaction
from coalition.extensions import db
from coalition.roster.models import Organization


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def test_a_read_only_transaction_is_committed_on_postgresql_only(app, make_org):
    make_org("Read Only Clinic")
    db.session.execute(select(Organization.id)).all()
    assert end_read_only_transaction() is _postgresql()
    assert db.session().in_transaction() is not _postgresql()
    db.session.rollback()


def test_a_flushed_write_is_left_to_the_rollback(app, make_org):
    org = make_org("Flushed Clinic")
    db.session.execute(select(Organization.id)).all()
    db.session.add(Organization(name="Never Kept", name_key="never kept",
                                sector_id=org.sector_id))
    db.session.flush()
    assert end_read_only_transaction() is False
    db.session.rollback()
    assert db.session.scalar(select(Organization.id).where(
        Organization.name == "Never Kept")) is None


def test_a_pending_change_or_a_textual_write_is_left_to_the_rollback(app, make_org):
    org = make_org("Pending Clinic")
    org.notes = "changed in a page, never saved"
    assert end_read_only_transaction() is False
    db.session.rollback()
    db.session.execute(text("UPDATE organizations SET notes = 'typed' WHERE id = :id"),
                       {"id": org.id})
    assert end_read_only_transaction() is False
    db.session.rollback()
    assert db.session.get(Organization, org.id).notes != "typed"


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_request_that_read_after_its_commit_ends_with_commit(app, make_org, method):
    """A POST reads the saved record again after its commit (for the message and the
    redirect): that transaction only read, and ends with COMMIT on PostgreSQL, as a GET's
    does, so the driver keeps its prepared statements. One that wrote is rolled back."""
    from sqlalchemy import event

    org = make_org("Saved Clinic")
    db.session.commit()
    ended: list[str] = []
    listeners = {name: (lambda conn, name=name: ended.append(name))
                 for name in ("commit", "rollback")}
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    try:
        with app.test_request_context("/", method=method):
            org.notes = "saved"
            db.session.commit()
            assert db.session.get(Organization, org.id).notes == "saved"  # read after it
            ended.clear()
            app.do_teardown_request(None)
            assert ended == (["commit"] if _postgresql() else [])
        with app.test_request_context("/", method=method):
            db.session.execute(select(Organization.id)).all()
            db.session.execute(text("UPDATE organizations SET notes = 'typed' WHERE id = :id"),
                               {"id": org.id})
            ended.clear()
            app.do_teardown_request(None)
            assert "commit" not in ended
    finally:
        for name, listener in listeners.items():
            event.remove(db.engine, name, listener)
    db.session.rollback()
    assert db.session.get(Organization, org.id).notes == "saved"


def test_a_savepoint_before_any_write_rolls_back_with_its_transaction(app, make_org):
    """A record flushed under a savepoint as a transaction's first write (a case and its code)
    is undone when the transaction then fails: on SQLite too, where the driver opened no
    transaction before a savepoint, and releasing it committed."""
    sector_id = make_org("Savepoint Clinic").sector_id
    db.session.commit()
    db.session.execute(select(Organization.id)).all()
    with db.session.begin_nested():
        db.session.add(Organization(name="Under Savepoint", name_key="under savepoint",
                                    sector_id=sector_id))
    db.session.add(Organization(name="After Savepoint", name_key="after savepoint",
                                sector_id=sector_id))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalars(select(Organization.name).where(
        Organization.name.like("% Savepoint"))).all() == []
    with db.session.begin_nested():
        db.session.add(Organization(name="Under Savepoint", name_key="under savepoint",
                                    sector_id=sector_id))
    db.session.commit()
    assert db.session.scalars(select(Organization.name).where(
        Organization.name.like("% Savepoint"))).all() == ["Under Savepoint"]


def _prepared_after_six(end) -> int:
    """How many statements the server holds prepared on one connection after the same query ran
    six times, each in a transaction ended by ``end``."""
    with db.engine.connect() as connection:
        for _ in range(6):
            connection.execute(select(Organization.id).where(Organization.id > 0)).all()
            end(connection)
        count = connection.execute(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE "
            "'SELECT organizations.id %'")).scalar()
        connection.rollback()
    return count


@pytest.mark.skipif(os.environ.get("COALITION_TEST_DATABASE_URL") is None,
                    reason="prepared statements are PostgreSQL's")
def test_why_a_read_ends_with_commit_on_postgresql(app, make_org):
    make_org("Prepared Clinic")
    assert _prepared_after_six(lambda connection: connection.rollback()) == 0
    assert _prepared_after_six(lambda connection: connection.commit()) == 1


@pytest.mark.skipif(os.environ.get("COALITION_TEST_DATABASE_URL") is None,
                    reason="prepared statements are PostgreSQL's")
def test_more_statements_stay_prepared_than_the_drivers_default_hundred(app):
    from coalition.core.db import PREPARED_STATEMENTS_KEPT

    with db.engine.connect() as connection:
        for value in range(150):  # 150 distinct statements, each run past the driver's threshold
            statement = text(f"SELECT {value} AS n WHERE 1 = :one")
            for _ in range(6):
                connection.execute(statement, {"one": 1}).all()
            connection.commit()
        kept = connection.execute(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT % AS n "
            "WHERE 1 = %'")).scalar()
        connection.rollback()
    assert PREPARED_STATEMENTS_KEPT >= 150
    assert kept == 150


def test_rows_read_on_the_connection_see_what_is_pending_in_the_session(app, make_org):
    """``read_rows`` runs a statement of columns on the session's connection: what the session
    holds unflushed is flushed first, as its autoflush would, and stays uncommitted."""
    from coalition.core.db import read_rows

    org = make_org("Pending Clinic")
    names = select(Organization.name).where(Organization.name.like("Pending%"))
    db.session.add(Organization(name="Pending Too", name_key="pending too",
                                sector_id=org.sector_id))
    org.name = "Pending Renamed"
    assert sorted(read_rows(names).scalars()) == ["Pending Renamed", "Pending Too"]
    named = select(Organization.name).where(Organization.name == bindparam("name"))
    assert read_rows(named, {"name": "Pending Too"}).scalars().all() == ["Pending Too"]
    db.session.rollback()
    assert sorted(db.session.scalars(names)) == ["Pending Clinic"]
