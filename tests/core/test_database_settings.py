"""The database connection as production runs it: SQLite's pragmas on every connection, and a
PostgreSQL pool sized for a sync worker."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, text

from coalition import create_app
from coalition.config import ConfigError
from coalition.extensions import db


def test_every_connection_gets_the_settings_of_its_database(app):
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") == 30000
            assert pragma("synchronous") == 1  # NORMAL: safe with WAL, one fsync per checkpoint
            assert pragma("foreign_keys") == 1
            assert pragma("secure_delete") == 1
        else:
            assert db.engine.dialect.name == "postgresql"
            assert db.engine.pool.size() == app.config["DATABASE_POOL_SIZE"] == 2
            assert db.engine.pool._max_overflow == app.config["DATABASE_MAX_OVERFLOW"] == 3
            assert db.engine.pool._pre_ping is False  # idle connections are checked instead


def test_the_postgresql_pool_follows_the_configuration(clean_env):
    clean_env.setenv("COALITION_DATABASE_POOL_SIZE", "4")
    app = create_app({"TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1/none"})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert (options["pool_size"], options["max_overflow"]) == (4, 3)
    assert "pool_pre_ping" not in options


@pytest.mark.parametrize("value", ["0", "-2"])
def test_a_pool_without_connections_is_refused(clean_env, value):
    clean_env.setenv("COALITION_DATABASE_POOL_SIZE", value)
    with pytest.raises(ConfigError, match="DATABASE_POOL_SIZE"):
        create_app({"TESTING": True,
                    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1/none"})



@pytest.fixture()
def one_connection_engine(app):
    """An engine of one pooled connection to the test database (the pool's events are the
    application's: they are registered for every pool)."""
    engine = create_engine(db.engine.url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _statements(engine):
    seen = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: seen.append(statement))
    return seen


def test_a_connection_in_steady_use_is_not_checked(one_connection_engine):
    engine = one_connection_engine
    with engine.connect() as connection:
        connection.execute(text("SELECT 2"))
    seen = _statements(engine)
    with engine.connect() as connection:
        connection.execute(text("SELECT 3"))
    assert seen == ["SELECT 3"]  # no SELECT 1 of the pool's own went through SQLAlchemy either


def _age(engine):
    """As if the pooled connection had sat unused for an hour."""
    with engine.connect() as connection:
        record = connection.connection._connection_record
        pid = (connection.execute(text("SELECT pg_backend_pid()")).scalar()
               if engine.dialect.name == "postgresql" else None)
    record.info["idle_since"] -= 3600
    return pid


def test_a_connection_that_died_while_idle_is_replaced_without_an_error(one_connection_engine):
    """After a database restart (here: the server ends the pooled connection's backend), the
    next request connects afresh instead of failing."""
    engine = one_connection_engine
    pid = _age(engine)
    if pid is None:  # SQLite: a local file, never checked, and it still answers
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
        return
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != pid


def test_without_the_check_a_dead_connection_would_fail(one_connection_engine, monkeypatch):
    """The check is what saves the request: with it skipped, the same dead connection fails."""
    engine = one_connection_engine
    if engine.dialect.name != "postgresql":
        return  # nothing to kill in a SQLite file
    from sqlalchemy.exc import OperationalError

    from coalition.core import db as core_db
    pid = _age(engine)
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 10**9)
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with pytest.raises(OperationalError), engine.connect() as connection:
        connection.execute(text("SELECT 1"))
