"""The smaller findings of the outside security review, one test (or a few) each, through HTTP
where a person would meet them. (Sign-in and sessions: ``core/test_sign_in_hardening.py``; case
action items: ``actions/test_case_items.py``; calendar feeds: ``meetings/test_calendar.py``.)"""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from coalition import create_app
from coalition.core.localtime import local_today
from coalition.core.models import AuditEvent
from coalition.core.text import csv_cell
from coalition.extensions import db
from coalition.meetings.models import AgendaTemplateSection
from coalition.risk import services as risk
from coalition.risk.models import RiskSituation
from tests.conftest import BASE_CONFIG, error_for

# --- dates at the end of the calendar ----------------------------------------------------------


def test_a_meeting_stored_at_the_end_of_the_calendar_does_not_break_scheduling(
        as_coordinator, make_table, make_meeting):
    table = make_table(cadence_days=7)
    make_meeting(table, starts_at=datetime(9999, 12, 31, 10, 0, tzinfo=UTC), minutes=60)
    response = as_coordinator.get(f"/tables/{table.id}/meetings/new")
    assert response.status_code == 200


# --- NUL bytes in every text field that took them ----------------------------------------------

NUL = "Call\x00back"


@pytest.fixture
def running_case_meeting(make_table, make_org, make_person, seat, make_user, make_meeting,
                         make_agenda_item):
    table = make_table("risk_review", name="Hub")
    org = make_org()
    person = make_person("Mo Manager", organizations=[org])
    seat(person, table, org, role="manager")
    meeting = make_meeting(table, status="in_progress")
    item = make_agenda_item(meeting, title="Open situations")
    return {"meeting": meeting, "item": item, "user": make_user("member", person=person),
            "person": person}


def _run_form(kind: str, item, **values) -> dict:
    return {f"{kind}-{item.id}-{key}": value for key, value in values.items()}


@pytest.mark.parametrize(("path", "data", "field"), [
    ("action-items", lambda s: _run_form("action", s["item"], title=NUL,
                                         owner_id=str(s["person"].id),
                                         due_on=local_today().isoformat(), priority="normal"),
     "action-{id}-title"),
    ("minutes", lambda s: _run_form("minutes", s["item"], minutes=NUL,
                                    version_id=str(s["item"].version_id)), "minutes-{id}-minutes"),
    ("decisions", lambda s: _run_form("decision", s["item"], text=NUL), "decision-{id}-text"),
])
def test_nul_in_what_is_typed_while_running_a_meeting_is_a_field_message(
        client, login, running_case_meeting, path, data, field):
    setting = running_case_meeting
    login(setting["user"])
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    url = f"/meetings/{setting['meeting'].id}/run/items/{setting['item'].id}/{path}"
    response = client.post(url, data=data(setting))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "control characters" in error_for(html, field.format(id=setting["item"].id))
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before  # nothing saved


def test_nul_in_a_guest_name_is_a_field_message(client, login, running_case_meeting):
    login(running_case_meeting["user"])
    response = client.post(f"/meetings/{running_case_meeting['meeting'].id}/attendance/guests",
                           data={"name": NUL, "organization": "", "status": "present"})
    assert response.status_code == 400
    assert "control characters" in error_for(response.get_data(as_text=True), "name")


def test_nul_in_an_action_item_note_is_a_field_message(client, login, make_table, make_meeting,
                                                       make_person, make_org, seat, make_user,
                                                       make_action_item):
    table = make_table()
    owner = make_person()
    seat(owner, table, make_org())
    item = make_action_item(make_meeting(table), owner)
    login(make_user("member", person=owner))
    response = client.post(f"/actions/{item.id}/update", data={
        "status": "open", "note": NUL, "version_id": item.version_id})
    assert response.status_code == 400
    assert "control characters" in error_for(response.get_data(as_text=True), "note")


@pytest.mark.parametrize("name", ["Harbor\u202eCenter", "\u200bHarbor", "Har\ufeffbor"])
def test_direction_overrides_and_zero_width_characters_are_refused_in_names(as_coordinator,
                                                                            name):
    response = as_coordinator.post("/organizations/new", data={"name": name, "sector_id": ""})
    assert "invisible characters" in error_for(response.get_data(as_text=True), "name")


@pytest.mark.parametrize(("value", "shown"), [
    ("＝HYPERLINK(\"http://x\")", "'＝HYPERLINK(\"http://x\")"),
    ("\u200b=1+1", "'\u200b=1+1"),
    ("  @SUM(A1)", "'  @SUM(A1)"),
    ("Name\u202egnp.exe", "Namegnp.exe"),
    ("Plain text", "Plain text"),
])
def test_csv_cells_neutralize_full_width_and_hidden_formulas(value, shown):
    assert csv_cell(value) == shown


# --- a rejected situation leaves nothing that points at the person --------------------------

def test_purged_text_does_not_survive_in_the_sqlite_files(tmp_path, monkeypatch):
    """Rejected-situation text must not linger in the write-ahead log or free pages."""
    monkeypatch.setenv("COALITION_INSTANCE_PATH", str(tmp_path / "instance"))
    path = tmp_path / "remanence.sqlite3"
    app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                          IDENTITY_KEY=Fernet.generate_key().decode()))
    marker = "Zebulon Quartermaine sleeps behind the bus depot"
    with app.app_context():
        from coalition.core.vocab import seed_vocabularies
        from coalition.roster.models import CoalitionTable, Organization
        from coalition.roster.services import create_organization  # noqa: F401

        db.create_all()
        seed_vocabularies()
        table = CoalitionTable(name="Hub", name_key="hub", kind="risk_review")
        from coalition.core.vocab import term_by_code

        org = Organization(name="EMS", name_key="ems", sector=term_by_code("sector", "fire_ems"))
        db.session.add_all([table, org])
        db.session.flush()
        situation = RiskSituation(table=table, originating_organization=org, status="new",
                                  code="RS-T-1", referral_source="ems",
                                  presented_on=local_today(), summary=marker)
        db.session.add(situation)
        db.session.commit()
        risk.decide_situation(None, situation, accepted=False, reason="Not acute")
        db.session.commit()
        data = b"".join(Path(f).read_bytes() for f in (path, f"{path}-wal") if os.path.exists(f))
        assert marker.encode() not in data
        db.session.remove()
        db.engine.dispose()


def test_the_checkpoint_waits_for_the_whole_transaction_not_a_savepoint(app):
    """A savepoint released after a purge must not checkpoint while the transaction still
    holds its write lock (the checkpoint would wait out the busy timeout)."""
    from coalition.core.db import request_wal_checkpoint

    request_wal_checkpoint()
    with db.session.begin_nested():
        db.session.execute(select(1))
    assert db.session.info.get("wal_checkpoint") is True
    db.session.commit()
    assert "wal_checkpoint" not in db.session.info


# --- files readable by the application's account only --------------------------------------

def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_instance_folder_database_backups_and_outbox_are_owner_only(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("COALITION_INSTANCE_PATH", str(instance))
    config = {key: value for key, value in BASE_CONFIG.items() if key != "SQLALCHEMY_DATABASE_URI"}
    app = create_app(dict(config, SQLALCHEMY_DATABASE_URI=None))
    with app.app_context():
        from coalition.core.backup import backup_database
        from coalition.core.files import write_private

        db.create_all()
        database = instance / "coalition.sqlite3"
        assert _mode(instance) == 0o700 and _mode(database) == 0o600
        backup = backup_database()
        assert _mode(backup) == 0o600 and _mode(backup.parent) == 0o700
        eml = write_private(Path(app.config["OUTBOX_DIR"]) / "x.eml", b"digest")
        assert _mode(eml) == 0o600 and _mode(eml.parent) == 0o700
        db.session.remove()
        db.engine.dispose()


# --- GET changes nothing; ids are ASCII digits -----------------------------------------------

def test_looking_at_an_agenda_template_saves_nothing(as_coordinator, make_table):
    table = make_table("ofr")
    page = as_coordinator.get(f"/tables/{table.id}/agenda-template").get_data(as_text=True)
    assert "Case presentation" in page and "standard template" in page
    assert db.session.scalar(select(func.count(AgendaTemplateSection.id))) == 0
    as_coordinator.post(f"/tables/{table.id}/agenda-template/start")
    assert db.session.scalar(select(func.count(AgendaTemplateSection.id))) == 9


@pytest.mark.parametrize("digits", ["١", "１", "٣٣"])
def test_ids_in_urls_are_ascii_digits_only(as_coordinator, make_meeting, digits):
    make_meeting()
    assert as_coordinator.get(f"/meetings/{digits}").status_code == 404
