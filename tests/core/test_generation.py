"""The data generation, and the dashboard's cards kept by it: any committed change shows at once,
activity (audit rows, sessions) keeps them, nothing is shown to another viewer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, text

from coalition import create_app
from coalition.actions.models import ActionItem
from coalition.config import ConfigError
from coalition.core import audit
from coalition.core.generation import current_generation
from coalition.core.localtime import local_today
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.roster.models import Organization
from tests.conftest import counting_queries


def _org(name: str) -> Organization:
    return Organization(name=name, name_key=name.casefold(),
                        sector=term_by_code("sector", "public_health"))


def test_a_committed_change_raises_the_generation_by_one(app, make_org):
    before = current_generation()
    make_org("Northside Clinic")
    assert current_generation() == before + 1


def test_a_rolled_back_change_leaves_it(app):
    before = current_generation()
    db.session.add(_org("Never"))
    db.session.flush()
    db.session.rollback()
    assert current_generation() == before


def test_activity_alone_leaves_it(app, coordinator, make_org):
    org = make_org()
    before = current_generation()
    audit.log(coordinator, "view", org, summary="looked at it")
    db.session.commit()
    assert current_generation() == before


def test_bulk_and_textual_statements_raise_it(app, make_org):
    org = make_org()
    before = current_generation()
    db.session.execute(insert(Organization), [{"name": "Bulk", "name_key": "bulk",
                                                       "sector_id": org.sector_id}])
    db.session.commit()
    assert current_generation() == before + 1
    db.session.execute(text("UPDATE organizations SET notes = 'x' WHERE id = :id"),
                       {"id": org.id})
    db.session.commit()
    assert current_generation() == before + 2


def test_a_savepoint_counts_only_when_its_transaction_commits(app):
    before = current_generation()
    db.session.add(_org("Outer"))
    db.session.flush()
    with db.session.begin_nested():
        db.session.add(_org("Inner"))
    db.session.rollback()
    assert current_generation() == before
    db.session.add(_org("Outer again"))
    db.session.flush()
    with db.session.begin_nested():
        db.session.add(_org("Inner again"))
    db.session.commit()
    assert current_generation() == before + 1


# --- the dashboard's kept cards -----------------------------------------------------------------

def _overdue(html: str) -> int:
    return int(re.search(r">(\d+) overdue</a>", html)[1])


@pytest.fixture
def owner_and_item(make_table, make_meeting, make_org, make_person, seat, make_user,
                   make_action_item):
    table = make_table("coalition")
    org = make_org()
    owner = make_person("Olive Owner")
    seat(owner, table, org)
    meeting = make_meeting(table)
    item = make_action_item(meeting, owner, due_on=local_today() - timedelta(days=3))
    return make_user("member", person=owner), item


def test_cards_are_kept_until_data_changes(client, login, owner_and_item):
    user, item = owner_and_item
    login(user)
    first = client.get("/").get_data(as_text=True)
    assert _overdue(first) == 1
    with counting_queries() as fresh:
        client.get("/")
    with counting_queries() as kept:
        again = client.get("/").get_data(as_text=True)
    assert again == first
    assert len(kept) <= len(fresh)
    assert not any("action_items" in statement for statement in kept)

    item.status = "done"  # done elsewhere (another worker, another host): the card follows
    db.session.commit()
    assert _overdue(client.get("/").get_data(as_text=True)) == 0


def test_a_new_day_recomputes_them(client, login, owner_and_item, monkeypatch):
    user, item = owner_and_item
    item.due_on = local_today() + timedelta(days=1)
    db.session.commit()
    login(user)
    assert _overdue(client.get("/").get_data(as_text=True)) == 0
    tomorrow = local_today() + timedelta(days=2)
    monkeypatch.setattr("coalition.reporting.dashboard.local_today", lambda: tomorrow)
    assert _overdue(client.get("/").get_data(as_text=True)) == 1


def test_one_viewers_cards_are_never_shown_to_another(app, login, owner_and_item, make_person,
                                                      make_user):
    user, _ = owner_and_item
    other = make_user("member", person=make_person("Nadia Nobody"))
    first, second = app.test_client(), app.test_client()
    login(user, test_client=first)
    login(other, test_client=second)
    assert _overdue(first.get("/").get_data(as_text=True)) == 1
    assert _overdue(second.get("/").get_data(as_text=True)) == 0
    assert _overdue(first.get("/").get_data(as_text=True)) == 1


def test_keeping_can_be_turned_off(app, client, login, owner_and_item):
    app.config["DASHBOARD_CACHE_SECONDS"] = 0
    user, _ = owner_and_item
    login(user)
    client.get("/")
    with counting_queries() as seen:
        client.get("/")
    assert any("action_items" in statement for statement in seen)
    assert "dashboard_cards" not in app.extensions


def test_a_negative_keeping_time_is_refused(clean_env):
    clean_env.setenv("COALITION_DASHBOARD_CACHE_SECONDS", "-1")
    with pytest.raises(ConfigError, match="DASHBOARD_CACHE_SECONDS"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_item_list_and_the_card_agree_after_a_change(client, login, owner_and_item):
    user, item = owner_and_item
    login(user)
    client.get("/")
    db.session.execute(insert(ActionItem), [{
        "title": "Bulk late", "owner_id": item.owner_id, "table_id": item.table_id,
        "source_meeting_id": item.source_meeting_id, "status": "open", "priority": "normal",
        "due_on": local_today() - timedelta(days=1)}])
    db.session.commit()
    assert _overdue(client.get("/").get_data(as_text=True)) == 2


def test_a_missing_row_is_made_again(app, make_org):
    db.session.execute(text("DELETE FROM data_generation"))
    db.session.commit()  # textual DML counts as a change: the row is made again, at 1
    assert current_generation() == 1
    make_org()
    assert current_generation() == 2
