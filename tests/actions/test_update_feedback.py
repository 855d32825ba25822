"""After an update that closes an item, the confirmation links to the list where it now is."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("status", "label"), [("done", "done"), ("cancelled", "cancelled")])
def test_closing_an_item_links_to_the_list_where_it_is_now(client, login, setting,
                                                           make_action_item, status, label):
    item = make_action_item(setting.meeting, setting.owner)
    login(setting.owner_user)
    page = client.post(f"/actions/{item.id}/update", data={
        "status": status, "version_id": item.version_id}, follow_redirects=True)
    body = page.get_data(as_text=True)
    assert f'<a href="/actions?status={status}">See the {label} action items</a>' in body
    listed = client.get(f"/actions?status={status}").get_data(as_text=True)
    assert f'href="/actions/{item.id}"' in listed


def test_an_update_that_keeps_the_item_open_says_only_that_it_was_saved(
        client, login, setting, make_action_item):
    item = make_action_item(setting.meeting, setting.owner)
    login(setting.owner_user)
    body = client.post(f"/actions/{item.id}/update", data={
        "status": "in_progress", "version_id": item.version_id},
        follow_redirects=True).get_data(as_text=True)
    assert "Your update was saved." in body and "See the" not in body
