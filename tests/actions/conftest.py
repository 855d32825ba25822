"""Fixtures and helpers for the action item tests: a coalition table with a meeting, an
organization and two seated people (an owner and a colleague), and a manager."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class Setting:
    table: object
    meeting: object
    org: object
    owner: object  # Person seated at the table
    colleague: object  # another Person seated at the table
    owner_user: object
    colleague_user: object
    manager_user: object


@pytest.fixture
def setting(make_table, make_meeting, make_org, make_person, seat, make_user) -> Setting:
    table = make_table("coalition", name="Overdose Response Coalition")
    meeting = make_meeting(table, title="November coalition meeting")
    org = make_org("Eastside Harm Reduction")
    owner = make_person("Olive Owner", email="olive@eastside.example")
    colleague = make_person("Cole League", email="cole@eastside.example")
    manager = make_person("Mara Manager", email="mara@eastside.example")
    seat(owner, table, org)
    seat(colleague, table, org)
    seat(manager, table, org, role="manager")
    return Setting(table=table, meeting=meeting, org=org, owner=owner, colleague=colleague,
                   owner_user=make_user("member", person=owner),
                   colleague_user=make_user("member", person=colleague),
                   manager_user=make_user("member", person=manager))
