"""roster/seats.py: the one place that answers who sits at a table, for which organization, in
what role."""

import pytest

from coalition.core.errors import ServiceError
from coalition.roster import seats


@pytest.fixture
def table_with_seats(make_table, make_org, make_person, seat, make_user):
    table = make_table("risk_review", name="Seats Table")
    police, clinic = make_org("Police Seat Org"), make_org("Clinic Seat Org")
    zed = make_person("Zed Zephyr", organizations=[police])
    amy = make_person("Amy Archer", organizations=[clinic])
    gone = make_person("Gina Gone", organizations=[clinic], is_active=False)
    seat(zed, table, police, role="manager")
    seat(amy, table, clinic)
    seat(gone, table, clinic)
    make_org("Not Seated Anywhere")
    return {"table": table, "police": police, "clinic": clinic, "zed": zed, "amy": amy,
            "gone": gone, "zed_user": make_user(person=zed), "amy_user": make_user(person=amy)}


def test_the_organizations_at_a_table_are_those_with_a_seat(table_with_seats):
    table = table_with_seats["table"]
    assert [org.name for org in seats.organizations_at(table)] == ["Clinic Seat Org",
                                                                   "Police Seat Org"]
    assert seats.organization_ids_at(table.id) == {table_with_seats["police"].id,
                                                   table_with_seats["clinic"].id}


def test_people_at_a_table_by_name_active_only_unless_asked(table_with_seats):
    table = table_with_seats["table"]
    assert [name for _, name in seats.people_at(table)] == ["Amy Archer", "Zed Zephyr"]
    assert [name for _, name in seats.people_at(table, active_only=False)] == [
        "Amy Archer", "Gina Gone", "Zed Zephyr"]
    assert [seat.person.name for seat in seats.seats_at(table)] == [
        "Amy Archer", "Gina Gone", "Zed Zephyr"]
    assert seats.seat_choices(table)[0][1] == "Amy Archer (Clinic Seat Org)"


def test_a_users_seat_role_and_organization(table_with_seats, make_user):
    table = table_with_seats["table"]
    assert seats.table_role(table_with_seats["zed_user"], table) == "manager"
    assert seats.table_role(table_with_seats["amy_user"], table) == "member"
    assert seats.seat_organization_id(table_with_seats["amy_user"], table) == \
        table_with_seats["clinic"].id
    assert seats.table_ids_of(table_with_seats["amy_user"]) == {table.id}
    unlinked = make_user()
    assert seats.seat_of(unlinked, table) is None and seats.table_ids_of(unlinked) == set()


@pytest.mark.parametrize("person_id", [None, "", "3", True, -1, 2**40])
def test_require_seat_refuses_anything_but_a_seated_person(table_with_seats, person_id):
    with pytest.raises(ServiceError) as refused:
        seats.require_seat(table_with_seats["table"], person_id, field="owner_id",
                           message="Choose someone seated here.")
    assert refused.value.field == "owner_id"
    assert refused.value.message == "Choose someone seated here."


def test_require_seat_can_refuse_inactive_people(table_with_seats):
    table, gone = table_with_seats["table"], table_with_seats["gone"]
    assert seats.require_seat(table, gone.id, field="x", message="m").person_id == gone.id
    with pytest.raises(ServiceError, match="inactive"):
        seats.require_seat(table, gone.id, field="x", message="m", active=True)
