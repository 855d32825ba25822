"""The database connection as production runs it: SQLite's pragmas on every connection, and a
PostgreSQL pool sized for a sync worker."""

from __future__ import annotations

import pytest
from sqlalchemy import text

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
            assert db.engine.pool._pre_ping is True


def test_the_postgresql_pool_follows_the_configuration(clean_env):
    clean_env.setenv("COALITION_DATABASE_POOL_SIZE", "4")
    app = create_app({"TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1/none"})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert (options["pool_size"], options["max_overflow"], options["pool_pre_ping"]) == (4, 3, True)


@pytest.mark.parametrize("value", ["0", "-2"])
def test_a_pool_without_connections_is_refused(clean_env, value):
    clean_env.setenv("COALITION_DATABASE_POOL_SIZE", value)
    with pytest.raises(ConfigError, match="DATABASE_POOL_SIZE"):
        create_app({"TESTING": True,
                    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1/none"})
