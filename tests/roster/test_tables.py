"""Tables and their seats: create, edit, visibility, and who may seat whom."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coalition.extensions import db
from coalition.roster.models import CoalitionTable, TableMembership
from tests.conftest import audit_rows, count, error_for


def _table_form(**fields) -> dict:
    return {"name": "Harbor Hub Table", "kind": "risk_review",
            "description": "Weekly situation table.", "cadence_days": "7", **fields}


def _edit_form(table: CoalitionTable, **fields) -> dict:
    data = {"name": table.name, "kind": table.kind, "description": table.description,
            "cadence_days": str(table.cadence_days), "is_active": "y",
            "version_id": str(table.version_id)}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def seated_user(make_user, make_person, make_org, seat):
    """A member account whose person sits at ``table`` with ``role``."""
    def factory(table, role="member", org=None):
        org = org or make_org()
        person = make_person(organizations=[org])
        seat(person, table, org, role=role)
        return make_user("member", person=person)
    return factory


# --- creating and editing -------------------------------------------------------------------

def test_a_coordinator_creates_a_table(as_coordinator, coordinator):
    response = as_coordinator.post("/tables/new", data=_table_form())
    table = db.session.scalar(select(CoalitionTable))
    assert response.status_code == 302
    assert (table.name, table.name_key, table.kind, table.cadence_days) == (
        "Harbor Hub Table", "harbor hub table", "risk_review", 7)
    [row] = audit_rows("create", "coalition_tables", table.id)
    assert row.user_id == coordinator.id


@pytest.mark.parametrize(("fields", "field_id", "message"), [
    ({"name": ""}, "name", "Enter the table&#39;s name."),
    ({"name": "T" * 121}, "name", "Use at most 120 characters."),
    ({"kind": ""}, "kind", "Choose a kind of table."),
    ({"kind": "secret"}, "kind", "Choose a kind from the list."),
    ({"cadence_days": "0"}, "cadence_days", "Enter a number of days between 1 and 366."),
    ({"cadence_days": "367"}, "cadence_days", "Enter a number of days between 1 and 366."),
    ({"cadence_days": "weekly"}, "cadence_days", "Enter a whole number of days."),
    ({"cadence_days": "9" * 5000}, "cadence_days", "Enter a whole number of days."),
    ({"cadence_days": ""}, "cadence_days", "Enter how often the table meets, in days."),
    ({"description": "d" * 5001}, "description", "Use at most 5000 characters."),
])
def test_bad_table_input_is_refused_at_the_field(as_coordinator, fields, field_id, message):
    response = as_coordinator.post("/tables/new", data=_table_form(**fields))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in error_for(html, field_id)
    assert count(CoalitionTable) == 0
    if field_id != "description":
        assert "Weekly situation table." in html


def test_a_bad_cadence_is_kept_in_the_form(as_coordinator):
    html = as_coordinator.post("/tables/new",
                               data=_table_form(cadence_days="weekly")).get_data(as_text=True)
    assert 'value="weekly"' in html


def test_a_duplicate_table_name_in_another_case_is_refused(as_coordinator, make_table):
    make_table("ofr", name="Harbor Hub Table")
    response = as_coordinator.post("/tables/new", data=_table_form(name="HARBOR HUB TABLE"))
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "name") == (
        "A table with this name already exists.")
    assert count(CoalitionTable) == 1


def test_a_coordinator_edits_a_table(as_coordinator, make_table):
    table = make_table("ofr", name="OFR Team")
    response = as_coordinator.post(f"/tables/{table.id}/edit",
                                   data=_edit_form(table, cadence_days="30", is_active=None))
    assert response.status_code == 302
    db.session.refresh(table)
    assert table.cadence_days == 30 and table.is_active is False
    [row] = audit_rows("deactivate", "coalition_tables", table.id)
    assert "cadence_days: 7 → 30" in row.summary


def test_a_concurrent_table_edit_is_reported(as_coordinator, make_table):
    table = make_table("ofr", name="OFR Team")
    stale = str(table.version_id)
    table.description = "Changed elsewhere"
    db.session.commit()
    response = as_coordinator.post(f"/tables/{table.id}/edit",
                                   data=_edit_form(table, description="Mine", version_id=stale))
    assert response.status_code == 409
    assert "Someone else saved a change to this table" in response.get_data(as_text=True)


def test_a_table_without_holdings_changes_kind(as_coordinator, make_table, make_meeting,
                                              make_agenda_item):
    table = make_table("coalition", name="Steering")
    make_agenda_item(make_meeting(table))  # a public item holds the table to nothing
    response = as_coordinator.post(f"/tables/{table.id}/edit", data=_edit_form(table, kind="ofr"))
    assert response.status_code == 302
    db.session.refresh(table)
    assert table.kind == "ofr"


def test_a_table_holding_case_items_keeps_its_kind(as_coordinator, make_table, make_meeting,
                                                   make_agenda_item, make_person,
                                                   make_action_item):
    table = make_table("risk_review", name="Harbor Hub")
    meeting = make_meeting(table)
    item = make_agenda_item(meeting, item_type="case")
    make_action_item(meeting, make_person(), agenda_item=item)
    before = table.version_id
    page = as_coordinator.get(f"/tables/{table.id}/edit").get_data(as_text=True)
    assert ("This table holds case agenda items and case action items, so its kind cannot "
            "change.") in page  # said before anyone tries
    response = as_coordinator.post(f"/tables/{table.id}/edit",
                                   data=_edit_form(table, kind="coalition", name="Renamed"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert ("This table holds case agenda items and case action items, so its kind cannot "
            "change.") in error_for(html, "kind")
    assert 'value="Renamed"' in html  # what was typed is kept
    db.session.refresh(table)
    assert (table.kind, table.name, table.version_id) == ("risk_review", "Harbor Hub", before)
    assert not audit_rows("update", "coalition_tables", table.id)


def test_every_domain_registers_what_it_holds_and_one_query_finds_it(
        app, make_table, make_meeting, make_agenda_item):
    from coalition.roster import holdings
    from tests.conftest import counting_queries

    table = make_table("ofr", name="Review")
    make_agenda_item(make_meeting(table))
    table_id = table.id
    with counting_queries() as queries:
        assert holdings.holdings_of(table_id) == []
    assert len(queries) == 1
    assert [h.label for h in holdings._HOLDINGS] == [
        "case agenda items", "case action items", "risk situations", "outreach referrals",
        "incident imports", "deaths", "death import sources", "recommendations"]


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/tables/new"), ("post", "/tables/new"), ("get", "/tables/{id}/edit"),
    ("post", "/tables/{id}/edit"),
])
def test_members_cannot_create_or_edit_tables(client, login, make_user, make_table, method,
                                              path):
    table = make_table()
    login(make_user("member"))
    assert getattr(client, method)(path.format(id=table.id)).status_code == 403


# --- seeing ---------------------------------------------------------------------------------

def test_the_list_shows_only_the_tables_a_member_may_see(client, login, make_table,
                                                         seated_user):
    make_table("coalition", name="County Coalition")
    mine = make_table("risk_review", name="My Hub Table")
    make_table("ofr", name="Their OFR Team")
    login(seated_user(mine))
    html = client.get("/tables").get_data(as_text=True)
    assert "County Coalition" in html and "My Hub Table" in html
    assert "Their OFR Team" not in html


def test_a_case_table_is_404_to_a_member_not_seated_there(client, login, make_user,
                                                          make_table):
    table = make_table("ofr", name="OFR Team")
    login(make_user("member"))
    assert client.get(f"/tables/{table.id}").status_code == 404


def test_a_case_table_is_shown_to_its_members(client, login, make_table, seated_user):
    table = make_table("ofr", name="OFR Team")
    user = seated_user(table)
    login(user)
    response = client.get(f"/tables/{table.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>OFR Team</h1>" in html or ">OFR Team</h1>" in html
    assert user.person.name in html  # the seats are listed to those seated


def test_the_coalition_table_is_shown_to_every_member(client, login, make_user, make_table,
                                                      make_person, make_org, seat):
    table = make_table("coalition", name="Alder Coalition")
    seat(make_person("Seated Sam"), table, make_org("Sam's Agency"))
    login(make_user("member"))
    response = client.get(f"/tables/{table.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ">Alder Coalition</h1>" in html and "Seated Sam" in html


def test_the_detail_lists_members_with_organization_sector_and_role(
        client, login, make_user, make_table, make_org, make_person, seat):
    table = make_table("coalition")
    org = make_org("County EMS", sector="fire_ems")
    seat(make_person("Sam Medic", organizations=[org]), table, org, role="manager")
    login(make_user("member"))
    html = client.get(f"/tables/{table.id}").get_data(as_text=True)
    assert "Sam Medic" in html and "County EMS" in html and "Fire/EMS" in html
    assert "Manager" in html
    assert "Add a member" not in html


# --- seats ----------------------------------------------------------------------------------

def _seat_form(person, org, role="member") -> dict:
    return {"person_id": str(person.id), "organization_id": str(org.id) if org else "",
            "role": role}


def test_a_coordinator_seats_a_person(as_coordinator, coordinator, make_table, make_org,
                                      make_person):
    table = make_table("ofr")
    org = make_org()
    person = make_person(organizations=[org])
    response = as_coordinator.post(f"/tables/{table.id}/members",
                                   data=_seat_form(person, org, "manager"))
    assert response.status_code == 302
    membership = db.session.scalar(select(TableMembership))
    assert (membership.person_id, membership.organization_id, membership.role) == (
        person.id, org.id, "manager")
    [row] = audit_rows("create", "table_memberships", membership.id)
    assert row.user_id == coordinator.id


def test_a_person_sits_only_for_an_organization_they_are_affiliated_with(
        as_coordinator, make_table, make_org, make_person):
    table = make_table()
    person = make_person("Robin Outreach", organizations=[make_org()])
    stranger = make_org("County Jail")
    response = as_coordinator.post(f"/tables/{table.id}/members",
                                   data=_seat_form(person, stranger))
    assert response.status_code == 400
    assert "Robin Outreach is not affiliated with County Jail" in error_for(
        response.get_data(as_text=True), "organization_id")
    assert count(TableMembership) == 0


def test_a_seat_left_without_organization_uses_the_persons_only_one(
        as_coordinator, make_table, make_org, make_person):
    table = make_table()
    org = make_org("Harbor Recovery")
    person = make_person("Robin Outreach", organizations=[org])
    response = as_coordinator.post(f"/tables/{table.id}/members",
                                   data={**_seat_form(person, org), "organization_id": ""})
    assert response.status_code == 302
    membership = db.session.scalar(select(TableMembership))
    assert (membership.person_id, membership.organization_id) == (person.id, org.id)


def test_a_seat_left_without_organization_asks_when_the_person_has_several(
        as_coordinator, make_table, make_org, make_person):
    table = make_table()
    person = make_person("Robin Outreach", organizations=[make_org("A clinic"), make_org("B jail")])
    response = as_coordinator.post(f"/tables/{table.id}/members",
                                   data={**_seat_form(person, None), "organization_id": ""})
    assert response.status_code == 400
    assert "belongs to 2 organizations" in error_for(response.get_data(as_text=True),
                                                     "organization_id")
    assert count(TableMembership) == 0


@pytest.mark.parametrize(("fields", "field_id"), [
    ({"person_id": "999999"}, "person_id"),
    ({"person_id": "robin"}, "person_id"),
    ({"person_id": ""}, "person_id"),
    ({"organization_id": "999999"}, "organization_id"),
    ({"organization_id": "1e3"}, "organization_id"),
    ({"role": "owner"}, "role"),
])
def test_bad_seat_input_is_refused_at_the_field(as_coordinator, make_table, make_org,
                                                make_person, fields, field_id):
    table = make_table()
    org = make_org()
    person = make_person(organizations=[org])
    response = as_coordinator.post(f"/tables/{table.id}/members",
                                   data={**_seat_form(person, org), **fields})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), field_id)
    assert count(TableMembership) == 0


def test_a_person_cannot_be_seated_twice(as_coordinator, make_table, make_org, make_person,
                                         seat):
    table = make_table()
    org = make_org()
    person = make_person("Robin Outreach", organizations=[org])
    seat(person, table, org)
    response = as_coordinator.post(f"/tables/{table.id}/members", data=_seat_form(person, org))
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "person_id") == (
        "Robin Outreach already sits at this table.")
    assert count(TableMembership) == 1


def test_a_plain_member_of_a_table_cannot_seat_anyone(client, login, make_table, make_org,
                                                      make_person, seated_user):
    table = make_table("risk_review")
    login(seated_user(table, role="member"))
    org = make_org()
    person = make_person(organizations=[org])
    response = client.post(f"/tables/{table.id}/members", data=_seat_form(person, org))
    assert response.status_code == 403
    assert count(TableMembership) == 1


def test_a_plain_member_does_not_see_the_management_forms(client, login, make_table,
                                                          seated_user):
    table = make_table("risk_review")
    login(seated_user(table, role="member"))
    html = client.get(f"/tables/{table.id}").get_data(as_text=True)
    assert "Add a member" not in html and "Change role" not in html


def test_a_table_manager_seats_people_at_their_own_table(client, login, make_table, make_org,
                                                         make_person, seated_user):
    table = make_table("risk_review")
    login(seated_user(table, role="manager"))
    assert "Add a member" in client.get(f"/tables/{table.id}").get_data(as_text=True)
    org = make_org()
    person = make_person(organizations=[org])
    response = client.post(f"/tables/{table.id}/members", data=_seat_form(person, org))
    assert response.status_code == 302
    assert count(TableMembership) == 2


def test_a_table_manager_cannot_seat_people_at_another_visible_table(
        client, login, make_table, make_org, make_person, seated_user):
    mine = make_table("risk_review")
    coalition = make_table("coalition")
    login(seated_user(mine, role="manager"))
    org = make_org()
    person = make_person(organizations=[org])
    response = client.post(f"/tables/{coalition.id}/members", data=_seat_form(person, org))
    assert response.status_code == 403
    assert count(TableMembership) == 1


def test_a_table_manager_gets_404_at_a_case_table_they_do_not_sit_at(
        client, login, make_table, make_org, make_person, seated_user):
    mine = make_table("risk_review")
    other = make_table("ofr")
    login(seated_user(mine, role="manager"))
    org = make_org()
    person = make_person(organizations=[org])
    response = client.post(f"/tables/{other.id}/members", data=_seat_form(person, org))
    assert response.status_code == 404
    assert count(TableMembership) == 1


def test_a_manager_changes_a_seats_role(client, login, make_table, make_org, make_person, seat,
                                        seated_user):
    table = make_table("risk_review")
    login(seated_user(table, role="manager"))
    org = make_org()
    membership = seat(make_person(organizations=[org]), table, org)
    response = client.post(f"/tables/{table.id}/members/{membership.id}/role",
                           data={"role": "manager"})
    assert response.status_code == 302
    db.session.refresh(membership)
    assert membership.role == "manager"
    [row] = audit_rows("update", "table_memberships", membership.id)
    assert "role: 'member' → 'manager'" in row.summary


def test_an_unknown_role_is_refused(as_coordinator, make_table, make_org, make_person, seat):
    table = make_table()
    org = make_org()
    membership = seat(make_person(organizations=[org]), table, org)
    response = as_coordinator.post(f"/tables/{table.id}/members/{membership.id}/role",
                                   data={"role": "chair"})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), f"role-{membership.id}")
    db.session.refresh(membership)
    assert membership.role == "member"


def test_a_coordinator_removes_a_seat(as_coordinator, make_table, make_org, make_person, seat):
    table = make_table()
    org = make_org()
    membership = seat(make_person(organizations=[org]), table, org)
    membership_id = membership.id
    response = as_coordinator.post(f"/tables/{table.id}/members/{membership_id}/remove")
    assert response.status_code == 302
    assert count(TableMembership) == 0
    assert len(audit_rows("remove", "table_memberships", membership_id)) == 1


def test_a_plain_member_cannot_remove_a_seat(client, login, make_table, seated_user):
    table = make_table("coalition")
    login(seated_user(table, role="member"))
    membership = db.session.scalar(select(TableMembership))
    response = client.post(f"/tables/{table.id}/members/{membership.id}/remove")
    assert response.status_code == 403
    assert count(TableMembership) == 1


@pytest.mark.parametrize("action", ["role", "remove"])
def test_a_seat_of_another_table_is_404(as_coordinator, make_table, make_org, make_person,
                                        seat, action):
    org = make_org()
    membership = seat(make_person(organizations=[org]), make_table(), org)
    other = make_table()
    response = as_coordinator.post(f"/tables/{other.id}/members/{membership.id}/{action}",
                                   data={"role": "manager"})
    assert response.status_code == 404
    db.session.refresh(membership)
    assert membership.role == "member" and count(TableMembership) == 1
