"""A risk table page's table and the viewer's seat at it are kept until the data changes: the
second view reads neither, a committed change (a new name, a seat removed) shows at once, and
the table handed to the page is the session's own, which a service can change and save."""

from __future__ import annotations

from sqlalchemy import inspect, select

from coalition.core.models import User
from coalition.extensions import db
from coalition.roster import seats
from coalition.roster.models import CoalitionTable, TableMembership
from coalition.roster.services.tables import update_table
from tests.conftest import counting_queries


def _reads_table(statements) -> list[str]:
    return [sql for sql in statements if "FROM coalition_tables" in sql]


def _get(client, url: str):
    """A request with a session of its own, as in production (the tests' requests share the
    pushed application context, and so its session and what it holds)."""
    db.session.remove()
    return client.get(url)


def test_the_second_view_reads_no_table_and_a_new_name_shows_at_once(client, login,
                                                                    risk_setting):
    table_id = risk_setting.table.id
    login(risk_setting.police_user)
    url = f"/tables/{table_id}/referrals"
    with counting_queries() as first:
        assert _get(client, url).status_code == 200
    with counting_queries() as second:
        html = _get(client, url).get_data(as_text=True)
    assert len(_reads_table(first)) == 1 and _reads_table(second) == []
    assert len(second) == len(first) - 1
    assert "Hub of Test County" in html

    stored = db.session.get(CoalitionTable, table_id)
    stored.name = "Hub of North County"
    db.session.commit()
    with counting_queries() as third:
        html = _get(client, url).get_data(as_text=True)
    assert len(_reads_table(third)) == 1
    assert "Hub of North County" in html and "Hub of Test County" not in html


def test_a_seat_removed_closes_the_kept_table_at_once(client, login, risk_setting):
    table_id, person_id = risk_setting.table.id, risk_setting.police_user.person_id
    login(risk_setting.police_user)
    url = f"/tables/{table_id}/risk-board"
    assert _get(client, url).status_code == 200
    assert _get(client, url).status_code == 200  # from what is kept
    db.session.delete(db.session.scalar(select(TableMembership).where(
        TableMembership.table_id == table_id, TableMembership.person_id == person_id)))
    db.session.commit()
    assert _get(client, url).status_code == 404


def test_the_kept_table_is_the_sessions_own_and_can_be_saved(app, risk_setting):
    table_id, viewer_id = risk_setting.table.id, risk_setting.coordinator.id
    version = risk_setting.table.version_id
    with app.test_request_context():
        seats.table_with_seat(db.session.get(User, viewer_id), table_id)  # read, and kept
    db.session.remove()
    with app.test_request_context():
        viewer = db.session.get(User, viewer_id)
        with counting_queries() as statements:
            table = seats.table_with_seat(viewer, table_id)
        assert _reads_table(statements) == []
        assert inspect(table).persistent and table in db.session
        assert seats.table_role(viewer, table) == "manager"
        assert seats.table_with_seat(viewer, table_id) is table
        update_table(viewer, table, version_id=table.version_id, name="Hub Renamed",
                     kind=table.kind, description="Meets on Tuesdays",
                     cadence_days=table.cadence_days, is_active=True)
        db.session.commit()
    db.session.remove()
    saved = db.session.get(CoalitionTable, table_id)
    assert (saved.name, saved.description, saved.version_id) == (
        "Hub Renamed", "Meets on Tuesdays", version + 1)


def test_a_table_already_in_the_session_is_the_one_returned(app, risk_setting):
    table_id, viewer_id = risk_setting.table.id, risk_setting.police_user.id
    with app.test_request_context():
        seats.table_with_seat(db.session.get(User, viewer_id), table_id)
    db.session.remove()
    with app.test_request_context():
        viewer = db.session.get(User, viewer_id)
        loaded = db.session.get(CoalitionTable, table_id)
        loaded.description = "Changed, not yet saved"
        assert seats.table_with_seat(viewer, table_id) is loaded
        assert loaded.description == "Changed, not yet saved"
        db.session.rollback()


def test_a_missing_table_is_none_and_outside_a_request_nothing_is_kept(app, risk_setting):
    viewer = risk_setting.police_user
    with app.test_request_context():
        assert seats.table_with_seat(viewer, 2_000_000) is None
    table = seats.table_with_seat(viewer, risk_setting.table.id)
    assert table is db.session.get(CoalitionTable, risk_setting.table.id)
