"""A request that only read ends its transaction with COMMIT on PostgreSQL (the driver forgets
its prepared statements at every ROLLBACK), and nothing that wrote is ever committed that way.
A GET on PostgreSQL reads outside a transaction block until it writes; what it writes commits or
rolls back as one."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select, text

from coalition.core.db import READ_REQUEST, begin_read_request, end_read_only_transaction
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


def _in_block(session) -> bool:
    """Whether the session's server connection is inside a transaction block (PostgreSQL)."""
    from psycopg.pq import TransactionStatus

    dbapi = session.connection().connection.dbapi_connection
    return dbapi.info.transaction_status != TransactionStatus.IDLE


def test_a_get_reads_outside_a_transaction_block_on_postgresql_only(app, make_org):
    make_org("Autocommit Clinic")
    db.session.commit()
    begin_read_request()
    assert db.session.execute(select(Organization.name)).scalars().all() == ["Autocommit Clinic"]
    connection = db.session.connection()
    assert bool(connection.get_execution_options().get(READ_REQUEST)) is _postgresql()
    if _postgresql():
        assert connection.connection.dbapi_connection.autocommit is True
        assert not _in_block(db.session)  # no BEGIN was sent for the read
    assert end_read_only_transaction() is _postgresql()
    db.session.close()
    with db.engine.connect() as again:  # the pooled connection is back to transactions
        assert again.get_execution_options().get(READ_REQUEST) is None
        if _postgresql():
            assert again.connection.dbapi_connection.autocommit is False
    begin_read_request()
    assert db.session().in_transaction() is _postgresql()
    db.session.execute(select(Organization.id)).all()
    begin_read_request()  # a call within the transaction changes nothing
    assert bool(db.session.connection().get_execution_options().get(READ_REQUEST)) is \
        _postgresql()
    db.session.rollback()


def test_what_a_get_writes_commits_or_rolls_back_as_one(app, make_org):
    sector_id = make_org("Sector Clinic").sector_id
    db.session.commit()

    def written() -> list[str]:
        with db.engine.connect() as elsewhere:  # what another connection sees committed
            return sorted(elsewhere.execute(select(Organization.name).where(
                Organization.name.like("Written %"))).scalars())

    for ending, expected in ((db.session.rollback, []),
                             (db.session.commit, ["Written 1", "Written 2"])):
        begin_read_request()
        db.session.execute(select(Organization.id)).all()
        db.session.add(Organization(name="Written 1", name_key="written 1", sector_id=sector_id))
        db.session.flush()
        if _postgresql():
            assert _in_block(db.session)  # the write opened a transaction block first
        db.session.add(Organization(name="Written 2", name_key="written 2", sector_id=sector_id))
        db.session.flush()
        assert written() == []  # nothing is seen elsewhere before the end
        assert end_read_only_transaction() is False
        ending()
        assert written() == expected
    begin_read_request()  # a savepoint inside a GET: within the transaction block it opens
    with db.session.begin_nested():
        db.session.add(Organization(name="Written 3", name_key="written 3", sector_id=sector_id))
    db.session.rollback()
    assert written() == ["Written 1", "Written 2"]


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
