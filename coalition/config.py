"""Configuration defaults and how they are overridden.

Order: these defaults, then ``instance/config.py`` if present, then environment variables
(``DATABASE_URL``, ``SECRET_KEY`` and any ``COALITION_<NAME>``), then the mapping passed to
``create_app``.
"""

import json
import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coalition.core.files import private_file, private_folder


class ConfigError(RuntimeError):
    """The application cannot start with this configuration."""


DEFAULTS = {
    "DEMO": False,
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,  # filled in with the instance SQLite file
    # connections idle in the pool are checked before use (core/db.py), not every one
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_NAME": "coalition_session",
    "REMEMBER_COOKIE_DURATION": 0,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "IDLE_TIMEOUT_MINUTES": 30,
    "SESSION_LIFETIME_HOURS": 12,  # a session ends this long after sign-in, however active
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,
    "AGREEMENT_WARNING_DAYS": 60,
    "PAGE_SIZE": 25,
    # Meetings are entered and shown in the coalition's local time; stored in UTC.
    "TIMEZONE": "America/New_York",
    # The confidentiality agreement attendees of case-reviewing tables attest to at each meeting.
    "CONFIDENTIALITY_AGREEMENT_VERSION": "2026-1",
    "ACTION_DUE_SOON_DAYS": 7,
    # A recommendation not finished and without a status update for this many days is stalled:
    # flagged, and put on its table's next meeting for an update.
    "RECOMMENDATION_STALLED_DAYS": 90,
    # Public reports hide counts from 1 to this number (with complementary suppression).
    "SUPPRESSION_THRESHOLD": 10,
    # Report PDFs are rendered off the request path ("thread"), or before the response
    # ("inline"); kept owner-only in REPORTS_DIR for the person who asked, REPORT_KEEP_HOURS.
    "REPORT_RENDERING": "thread",
    "REPORTS_DIR": None,  # defaults to instance/reports
    "REPORT_KEEP_HOURS": 24,
    "REPORT_TIMEOUT_MINUTES": 15,
    # The dashboard's cards are kept per worker process for this many seconds, and thrown away
    # at once when any data changes; 0 computes them on every visit.
    "DASHBOARD_CACHE_SECONDS": 60,
    # PostgreSQL connections per worker process: a sync worker serves one request at a time,
    # and the report thread needs one more. Workers x (size + overflow) must stay under the
    # server's max_connections.
    "DATABASE_POOL_SIZE": 2,
    "DATABASE_MAX_OVERFLOW": 3,
    # Reminder digests: SMTP when MAIL_SERVER is set, otherwise files in OUTBOX_DIR.
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_FROM": "coalition@localhost",
    "OUTBOX_DIR": None,  # defaults to instance/outbox
    # Fernet key(s) encrypting the identity of people in risk situations; comma-separated for
    # rotation (the first encrypts, all decrypt). Required outside demo/development.
    "IDENTITY_KEY": None,
    "HSTS": False,
    # Requests larger than this are refused (413) before they are read; the incident import
    # allows its own documented size on its two routes.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed: the
    # client address (throttling, audit, sessions) is the one they report. 0: none.
    "PROXY_COUNT": 0,
    "BACKUP_DIR": None,  # defaults to instance/backups
    # argon2id parameters (RFC 9106 low-memory profile by default).
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 4,
}

_BOOL_TRUE = {"1", "true", "yes", "on"}


def _coerce(raw: str, current):
    """Turn an environment string into the type of the default it replaces."""
    if isinstance(current, bool):
        return raw.strip().lower() in _BOOL_TRUE
    if isinstance(current, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{raw!r} is not a whole number") from exc
    if isinstance(current, dict):
        return json.loads(raw)
    return raw


def from_environment(config: dict, environ=os.environ) -> None:
    """Apply DATABASE_URL, SECRET_KEY and COALITION_* variables to ``config``."""
    if environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(environ["DATABASE_URL"])
    if environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = environ["SECRET_KEY"]
    if environ.get("IDENTITY_KEY"):
        config["IDENTITY_KEY"] = environ["IDENTITY_KEY"]
    for name, raw in environ.items():
        if not name.startswith("COALITION_") or name == "COALITION_TEST_DATABASE_URL":
            continue
        key = name[len("COALITION_"):]
        try:
            config[key] = _coerce(raw, config.get(key))
        except (ConfigError, ValueError) as exc:
            raise ConfigError(f"{name}: {exc}") from exc


def normalize_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` spellings and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def finalize(config: dict, instance_path: str) -> None:
    """Fill derived defaults and refuse to run without a secret outside demo/development."""
    instance = Path(instance_path)
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        private_folder(instance)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'coalition.sqlite3'}"
    _private_sqlite_file(config["SQLALCHEMY_DATABASE_URI"])
    if not config.get("BACKUP_DIR"):
        config["BACKUP_DIR"] = str(instance / "backups")
    if not config.get("OUTBOX_DIR"):
        config["OUTBOX_DIR"] = str(instance / "outbox")
    if not config.get("REPORTS_DIR"):
        config["REPORTS_DIR"] = str(instance / "reports")
    if not isinstance(config.get("DASHBOARD_CACHE_SECONDS"), int) or \
            config["DASHBOARD_CACHE_SECONDS"] < 0:
        raise ConfigError("DASHBOARD_CACHE_SECONDS must be a whole number of seconds, 0 or more.")
    if config.get("REPORT_RENDERING") not in ("thread", "inline"):
        raise ConfigError(f"REPORT_RENDERING {config.get('REPORT_RENDERING')!r}: use \"thread\" "
                          "(reports are rendered off the request path) or \"inline\".")
    try:
        ZoneInfo(config["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"TIMEZONE {config['TIMEZONE']!r} is not a known time zone "
                          "(use a name like America/Chicago).") from exc
    threshold = config.get("SUPPRESSION_THRESHOLD")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
        raise ConfigError(f"SUPPRESSION_THRESHOLD {threshold!r}: use a whole number of at least 2 "
                          "(counts from 1 to it are hidden in public reports; 10 or 5 are usual).")
    relaxed = config.get("DEMO") or config.get("DEBUG") or config.get("TESTING")
    if not config.get("SECRET_KEY"):
        if not relaxed:
            raise ConfigError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
                "value (for example the output of: "
                "python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or run in demo mode with COALITION_DEMO=1."
            )
        config["SECRET_KEY"] = _instance_secret(instance)
    if not config.get("IDENTITY_KEY"):
        if not relaxed:
            raise ConfigError(
                "IDENTITY_KEY is not set. It encrypts the identity of people reviewed at risk "
                "review tables. Set the IDENTITY_KEY environment variable to a key made with: "
                "python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())' and keep it safe (without it the "
                "stored identities cannot be read), or run in demo mode with COALITION_DEMO=1.")
        config["IDENTITY_KEY"] = _instance_secret(instance, "identity_key", _new_fernet_key)
    _check_fernet_keys(config["IDENTITY_KEY"])
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
    else:
        for key, option, least in (("DATABASE_POOL_SIZE", "pool_size", 1),
                                   ("DATABASE_MAX_OVERFLOW", "max_overflow", 0)):
            value = config.get(key)
            if not isinstance(value, int) or value < least:
                raise ConfigError(f"{key} must be a whole number, {least} or more.")
            options.setdefault(option, value)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _private_sqlite_file(uri: str) -> None:
    """A SQLite database file (and so its WAL) is created owner-only."""
    if not uri.startswith("sqlite"):
        return
    from sqlalchemy.engine import make_url

    database = make_url(uri).database
    if database and database != ":memory:" and not database.startswith("file:"):
        private_file(database)


def _check_fernet_keys(value: str) -> None:
    from cryptography.fernet import Fernet

    keys = [key.strip() for key in str(value).split(",") if key.strip()]
    try:
        if not keys:
            raise ValueError("empty")
        for key in keys:
            Fernet(key.encode())
    except ValueError as exc:
        raise ConfigError("IDENTITY_KEY is not a valid key: make one with python -c 'from "
                          "cryptography.fernet import Fernet; "
                          "print(Fernet.generate_key().decode())'.") from exc


def _new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def _instance_secret(instance: Path, name: str = "secret_key", make=None) -> str:
    """A per-installation secret for demo and development, kept in the instance folder."""
    private_folder(instance)
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    value = make() if make is not None else secrets.token_hex(32)
    path.write_text(value)
    path.chmod(0o600)
    return value
