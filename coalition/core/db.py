"""Declarative base, naming convention, SQLite pragmas, the pool's liveness check and small
column helpers."""

import sqlite3
import time
from datetime import UTC, datetime  # noqa: F401  (UTC re-exported)

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, String, event, literal_column
from sqlalchemy.engine import Engine
from sqlalchemy.exc import CompileError, DisconnectionError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.pool import Pool
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

MAX_RECORD_ID = 2**31 - 1  # the largest id an INTEGER key holds (PostgreSQL's is 32 bits)


def valid_id(value) -> int | None:
    """``value`` as a row id, or None if it cannot be one (not an int, <= 0, too large)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_RECORD_ID:
        return None
    return value

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def sql_in(column: str, values) -> str:
    """The SQL of a CHECK that ``column`` holds one of ``values`` (codes of a fixed list)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class json_rows(FunctionElement):  # noqa: N801 - used as an SQL function is
    """SQL: the rows of a subquery as a JSON array of objects, as text (``[]`` when there are
    none), so a page can read a short list with its main row, in one query:
    ``select(json_rows(id=Item.id, name=Item.name)).where(Item.case_id == Case.id)``.

    Values come as JSON gives them: dates as ISO text, booleans as true/false on PostgreSQL and
    1/0 on SQLite. The array's order is not defined: sort what is read."""

    type = String()
    inherit_cache = True
    name = "json_rows"

    def __init__(self, **columns):
        arguments = []
        for key, column in columns.items():
            if not key.isidentifier():
                raise ValueError(f"not a key: {key!r}")
            arguments += [literal_column(f"'{key}'"), column]
        super().__init__(*arguments)


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw):
    pairs = compiler.process(element.clauses, **kw)
    return f"coalesce(json_agg(json_build_object({pairs})), '[]')::text"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element, compiler, **kw):
    return f"json_group_array(json_object({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows)
def _json_rows_elsewhere(element, compiler, **kw):
    raise CompileError("json_rows is written for PostgreSQL and SQLite")


def json_datetime(text: str) -> datetime:
    """A :class:`UTCDateTime` value as :class:`json_rows` gives it, aware and in UTC: PostgreSQL
    writes it with the session's offset, SQLite as the stored UTC text without one."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Timezone-aware current time in UTC (stored as UTC by every ``*_at`` column)."""
    return datetime.now(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, not left in pages
    cursor.close()


PREPARED_STATEMENTS_KEPT = 512


@event.listens_for(Engine, "connect")
def _keep_prepared_statements(dbapi_connection, connection_record):
    """psycopg prepares a statement on the server once it has run a few times on a connection,
    and keeps the last 100 by default: fewer than the statements of the pages a coalition uses
    in a day, so under mixed use they were evicted and prepared again in turn."""
    if hasattr(dbapi_connection, "prepared_max"):
        dbapi_connection.prepared_max = PREPARED_STATEMENTS_KEPT


PING_AFTER_IDLE_SECONDS = 10


@event.listens_for(Pool, "checkin")
def _note_idle(dbapi_connection, connection_record):
    if connection_record is not None:
        connection_record.info["idle_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_after_idle(dbapi_connection, connection_record, connection_proxy):
    """A server connection (PostgreSQL) that sat in the pool for PING_AFTER_IDLE_SECONDS or
    more, or was never used, is checked with ``SELECT 1`` before it is handed out; a dead one is
    replaced (``DisconnectionError`` makes the pool connect afresh), so a database restart costs
    no failed request. A connection in steady use is not checked: under load that spares a
    query per request. SQLite's connections are local files and are never checked."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    since = connection_record.info.get("idle_since")
    if since is not None and time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # whatever the driver raises for a dead connection
        raise DisconnectionError("the pooled connection did not answer") from error


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany):
    """Note a statement that may write. On SQLite, open the transaction before a savepoint:
    the driver opens one only before INSERT, UPDATE or DELETE, and releasing a savepoint opened
    outside a transaction commits at once (a record flushed under a savepoint as a request's
    first write stayed saved when the request then failed)."""
    start = statement.lstrip()[:9].upper()
    if start.startswith("SELECT"):
        return
    conn.info["wrote"] = True
    dbapi = cursor.connection
    if start == "SAVEPOINT" and isinstance(dbapi, sqlite3.Connection) and \
            not dbapi.in_transaction:
        dbapi.execute("BEGIN")


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget_writes(conn):
    if not conn.invalidated:  # a dead connection's info cannot be reached, nor needs to be
        conn.info.pop("wrote", None)


def read_rows(statement, params: dict | None = None):
    """The result of a statement of columns (no ORM objects to build), executed on the
    session's connection in its transaction: the ORM's own work around a statement (about
    0.2 ms of CPU on a list's query) is left out. Changes still pending are flushed first, as
    the session's autoflush would."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, params or {})


def end_read_only_transaction() -> bool:
    """End a transaction that only read with COMMIT rather than ROLLBACK (PostgreSQL only);
    True if it did.

    The PostgreSQL driver forgets its prepared statements at every ROLLBACK, and every request
    used to end with one: no statement was ever prepared, and the server parsed and planned every
    query of every request again (about 1 ms for the larger joins). Committing a transaction
    that wrote nothing changes nothing. Anything pending, flushed or executed that was not a
    SELECT leaves the transaction to the usual rollback."""
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    if session.get_bind().dialect.name != "postgresql":
        return False
    if session.connection().info.get("wrote"):
        return False
    session.commit()
    return True


def request_wal_checkpoint() -> None:
    """Ask for the SQLite write-ahead log to be folded into the database and truncated once the
    current transaction commits: purged text must not linger in the WAL file."""
    db.session.info["wal_checkpoint"] = True


@event.listens_for(Session, "after_commit")
def _checkpoint_after_purge(session):
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: the transaction goes on, and holds its write lock
    if not session.info.pop("wal_checkpoint", False):
        return
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        with bind.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@event.listens_for(Session, "after_rollback")
def _no_checkpoint_after_rollback(session):
    session.info.pop("wal_checkpoint", None)


def database_answers() -> bool:
    """Whether the database answers a trivial query (the health check)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always returned timezone-aware, on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
