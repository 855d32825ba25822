"""Ids no row can have and hostile query strings give a 404 or a form message, never a 500.

PostgreSQL's INTEGER key stops at 2**31 - 1 and SQLite's at 2**63 - 1: a larger number in a URL,
a query string or a form must be refused before it reaches the database.
"""

from __future__ import annotations

import re

import pytest

from coalition.core.db import MAX_RECORD_ID

OUT_OF_RANGE = [0, MAX_RECORD_ID + 1, 2**63, 10**40]
HOSTILE_VALUES = ["99999999999999999999999", str(MAX_RECORD_ID + 1), "-1", "0", "abc", "\x00",
                  "1e9", " 1", "１"]


def _url(rule, object_id) -> str:
    return re.sub(r"<int:[a-z_]+>", str(object_id), rule.rule)


@pytest.fixture
def coordinator_client(client, login, make_user):
    login(make_user("coordinator"))
    return client


@pytest.mark.parametrize("object_id", OUT_OF_RANGE)
def test_every_route_answers_404_to_an_id_out_of_range(app, coordinator_client, object_id):
    checked = 0
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        for method in sorted({"GET", "POST"} & rule.methods):
            response = coordinator_client.open(_url(rule, object_id), method=method)
            assert response.status_code == 404, (rule.rule, method, response.status_code)
            checked += 1
    assert checked >= 15


def _list_pages(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static"):
            yield rule.rule


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_list_filters_refuse_hostile_values_without_a_server_error(app, coordinator_client, value):
    names = ["page", "q", "sector", "table", "organization", "user", "object_type", "object_id",
             "action", "date_from", "date_to", "role", "status", "next"]
    checked = 0
    for url in _list_pages(app):
        response = coordinator_client.get(url, query_string={name: value for name in names})
        assert response.status_code in (200, 302, 400, 404), (url, response.status_code)
        checked += 1
    assert checked >= 8


def test_a_select_posted_with_an_id_out_of_range_is_a_field_message(coordinator_client):
    response = coordinator_client.post("/organizations/new", data={
        "name": "Out of range clinic", "sector_id": str(MAX_RECORD_ID + 1)})
    assert response.status_code == 400
    assert "Choose" in response.get_data(as_text=True)
