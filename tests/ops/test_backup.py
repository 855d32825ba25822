"""`flask backup` writes a consistent copy that restores and boots."""

import os
import shutil

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from coalition import create_app
from coalition.extensions import db
from coalition.roster.models import Organization
from tests.conftest import BASE_CONFIG, PG_URL


def _boot_and_count(url: str, instance) -> int:
    restored = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI=url))
    with restored.app_context():
        count = db.session.scalar(select(func.count(Organization.id)))
        response = restored.test_client().get("/healthz")
        assert response.status_code == 200
        db.session.remove()
        db.engine.dispose()
    return count


def test_backup_restores_and_boots(app, runner, make_org, tmp_path):
    make_org("Backed Up Org")
    make_org("Another Org")
    target = tmp_path / "copy.backup"
    result = runner.invoke(args=["backup", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists() and target.stat().st_size > 0
    if PG_URL is None:
        assert _boot_and_count(f"sqlite:///{target}", tmp_path) == 2
        return
    if shutil.which("pg_restore") is None:
        pytest.fail("pg_restore is needed to prove PostgreSQL backups restore")
    url = make_url(PG_URL)
    restored_name = f"{url.database}_restore_{os.getpid()}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        connection.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        restore_url = url.set(database=restored_name)
        args = ["pg_restore", "--no-owner", f"--dbname={restored_name}", str(target)]
        if url.host:
            args.append(f"--host={url.host}")
        if url.port:
            args.append(f"--port={url.port}")
        if url.username:
            args.append(f"--username={url.username}")
        import subprocess

        subprocess.run(args, check=True, capture_output=True)
        assert _boot_and_count(restore_url.render_as_string(hide_password=False), tmp_path) == 2
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')


def test_backup_of_default_location_is_timestamped(app, runner):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    folder = app.config["BACKUP_DIR"]
    names = os.listdir(folder)
    suffix = ".dump" if PG_URL else ".sqlite3"
    assert len(names) == 1 and names[0].startswith("coalition-") and names[0].endswith(suffix)
