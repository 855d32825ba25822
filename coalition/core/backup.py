"""Consistent database backups: SQLite's online backup API, or pg_dump for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump is run without a shell, with fixed arguments)
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from coalition.core.files import private_file, private_folder
from coalition.extensions import db


class BackupError(RuntimeError):
    pass


def default_backup_path(suffix: str) -> Path:
    folder = private_folder(current_app.config["BACKUP_DIR"])
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"coalition-{stamp}{suffix}"


def backup_database(output: str | os.PathLike | None = None) -> Path:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return _backup_sqlite(url, Path(output) if output else default_backup_path(".sqlite3"))
    if url.get_backend_name() == "postgresql":
        return _backup_postgresql(url, Path(output) if output else default_backup_path(".dump"))
    raise BackupError(f"Backups are not supported for {url.get_backend_name()} databases.")


def _backup_sqlite(url, target: Path) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    partial = private_file(target.with_name(target.name + ".partial"))
    db.session.remove()
    source = sqlite3.connect(url.database)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)  # a consistent snapshot even while others write
        finally:
            destination.close()
    finally:
        source.close()
    check = sqlite3.connect(partial)
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup copy failed its integrity check: {result}")
    partial.replace(target)
    return target


def _backup_postgresql(url, target: Path) -> Path:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump was not found; install the PostgreSQL client tools.")
    partial = private_file(target.with_name(target.name + ".partial"))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={partial}",
               f"--dbname={url.database}"]
    if url.host:
        command.append(f"--host={url.host}")
    if url.port:
        command.append(f"--port={url.port}")
    if url.username:
        command.append(f"--username={url.username}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    partial.replace(target)
    return target
