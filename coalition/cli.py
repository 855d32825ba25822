"""Command-line verbs: ``flask seed-vocab``, ``seed-demo``, ``create-user``, ``backup``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from coalition.core.errors import ServiceError
from coalition.extensions import db


@click.command("seed-vocab")
@with_appcontext
def seed_vocab_command():
    """Add the standard vocabulary terms that are missing (safe to run again)."""
    from coalition.core.vocab import seed_vocabularies

    added = seed_vocabularies()
    db.session.commit()
    click.echo(f"Vocabularies: {added} term(s) added.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has accounts.")
@with_appcontext
def seed_demo_command(if_empty):
    """Create the fictional demo coalition (demo mode only)."""
    from coalition.demo import DEMO_PASSWORD, database_is_empty, seed_demo

    if not current_app.config.get("DEMO") and not current_app.testing:
        raise click.ClickException("seed-demo only runs in demo mode (COALITION_DEMO=1).")
    if if_empty and not database_is_empty():
        click.echo("Demo data: the database already has accounts; nothing changed.")
        return
    if not database_is_empty():
        raise click.ClickException(
            "The database already has accounts; demo data is for a new database.")
    summary = seed_demo()
    db.session.commit()
    click.echo(f"Demo data: {summary}. Demo password for every demo login: {DEMO_PASSWORD}")


@click.command("create-user")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--role", "site_role", type=click.Choice(["coordinator", "leader", "member"]),
              default="coordinator", show_default=True)
@click.option("--password", default=None,
              help="Leave out to get a one-time temporary password that must be changed.")
@with_appcontext
def create_user_command(name, email, site_role, password):
    """Create an account (the first coordinator of a new installation, for example)."""
    from coalition.core.accounts import create_user

    try:
        user, issued = create_user(None, name=name, email=email, site_role=site_role,
                                   password=password)
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.role_label.lower()} account {user.email}.")
    if password is None:
        click.echo(f"Temporary password (must be changed at first sign-in): {issued}")


@click.command("backup")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="File to write (default: a time-stamped file in the backup folder).")
@with_appcontext
def backup_command(output):
    """Write a consistent copy of the database (SQLite online backup, or pg_dump)."""
    from coalition.core.backup import BackupError, backup_database

    try:
        path = backup_database(output)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path}")


@click.command("send-reminders")
@click.option("--days", type=click.IntRange(0, 365), default=None,
              help="Include open items due within this many days (default ACTION_DUE_SOON_DAYS).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to send for, YYYY-MM-DD (default: today, local time).")
@with_appcontext
def send_reminders_command(days, today):
    """E-mail each owner a digest of their overdue and due-soon action items (once a day)."""
    from sqlalchemy.exc import IntegrityError

    from coalition.actions.reminders import pending_digests, send_digest
    from coalition.core.localtime import local_today

    days = current_app.config["ACTION_DUE_SOON_DAYS"] if days is None else days
    today = today.date() if today is not None else local_today()
    sent = items = 0
    for digest in pending_digests(today, days):
        person = digest.person.name
        try:
            record = send_digest(digest, today)
        except IntegrityError:
            db.session.rollback()  # another run sent this person's digest today
            continue
        except OSError as error:  # SMTP or file system: report, keep the claim free for a retry
            db.session.rollback()
            click.echo(f"Could not send the digest to {person}: {error}", err=True)
            continue
        db.session.commit()
        sent += 1
        items += record.item_count
    click.echo(f"Reminders for {today.isoformat()}: {sent} digest(s), {items} item(s).")


@click.command("purge-rejected")
@with_appcontext
def purge_rejected_command():
    """Delete what rejected risk situations still hold beyond date, agency and reason."""
    from coalition.risk.services import purge_rejected

    count = purge_rejected()
    db.session.commit()
    click.echo(f"Rejected situations purged: {count}.")


commands = [seed_vocab_command, seed_demo_command, create_user_command, backup_command,
            send_reminders_command, purge_rejected_command]
