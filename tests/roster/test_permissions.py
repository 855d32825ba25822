"""The roster's object predicates (roster/permissions.py and roster/seats.py), which every
other domain builds on."""

from coalition.roster.permissions import can_manage_table, can_view_case_data, can_view_table
from coalition.roster.seats import table_role


def test_case_data_is_visible_only_to_people_seated_at_the_table(
        make_user, make_table, make_person, make_org, seat):
    risk = make_table("risk_review")
    seated = make_person()
    seat(seated, risk, make_org())
    assert can_view_case_data(make_user("member", person=seated), risk)
    assert not can_view_case_data(make_user("member", person=make_person()), risk)


def test_coordinators_and_leaders_do_not_see_case_data_unless_seated(
        make_user, make_table, make_person):
    ofr = make_table("ofr")
    assert not can_view_case_data(make_user("coordinator"), ofr)
    assert not can_view_case_data(make_user("leader", person=make_person()), ofr)


def test_the_coalition_table_holds_no_case_data(make_user, make_table, make_person, make_org, seat):
    coalition = make_table("coalition")
    person = make_person()
    seat(person, coalition, make_org())
    assert not can_view_case_data(make_user("member", person=person), coalition)


def test_deactivated_account_loses_case_data_access(
        make_user, make_table, make_person, make_org, seat):
    risk = make_table("risk_review")
    person = make_person()
    seat(person, risk, make_org())
    user = make_user("member", person=person)
    user.is_active_account = False
    assert not can_view_case_data(user, risk)


def test_table_managers_manage_only_their_table(make_user, make_table, make_person, make_org, seat):
    mine, other = make_table("risk_review"), make_table("ofr")
    person = make_person()
    seat(person, mine, make_org(), role="manager")
    user = make_user("member", person=person)
    assert table_role(user, mine) == "manager"
    assert can_manage_table(user, mine)
    assert not can_manage_table(user, other)
    assert not can_view_table(user, other)
    assert can_manage_table(make_user("coordinator"), other)
