"""The organization and people lists: search, filters, pagination, queries that do not grow."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from coalition.core.localtime import local_today
from coalition.extensions import db
from coalition.roster.models import Agreement, Organization
from tests.conftest import counting_queries, sector_id

PAGE_SIZE = 3


@pytest.fixture
def app_config():
    return {"PAGE_SIZE": PAGE_SIZE}


@pytest.fixture
def member(client, login, make_user):
    login(make_user("member"))
    return client


def _names(html: str, kind: str) -> list[str]:
    return re.findall(rf'<a href="/{kind}/\d+">([^<]+)</a>', html)


# --- organizations --------------------------------------------------------------------------

def test_organizations_are_paginated(member, make_org):
    for n in range(7):
        make_org(f"Org {n}")
    first = member.get("/organizations").get_data(as_text=True)
    third = member.get("/organizations?page=3").get_data(as_text=True)
    assert _names(first, "organizations") == ["Org 0", "Org 1", "Org 2"]
    assert _names(third, "organizations") == ["Org 6"]
    assert "7 in all, page 1 of 3" in first


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "9" * 40])
def test_odd_page_numbers_never_fail(member, make_org, page):
    make_org("Only Org")
    assert member.get(f"/organizations?page={page}").status_code == 200


def test_organizations_are_searched_by_name_whatever_the_case(member, make_org):
    make_org("Harbor Hospital")
    make_org("County Jail")
    html = member.get("/organizations?q=HARBOR").get_data(as_text=True)
    assert _names(html, "organizations") == ["Harbor Hospital"]
    assert 'value="HARBOR"' in html


def test_search_wildcards_are_taken_literally(member, make_org):
    make_org("100% Recovery")
    make_org("Harbor Hospital")
    html = member.get("/organizations?q=%25").get_data(as_text=True)
    assert _names(html, "organizations") == ["100% Recovery"]


def test_organizations_are_filtered_by_sector(member, make_org):
    make_org("County EMS", sector="fire_ems")
    make_org("Harbor Hospital", sector="emergency_department_hospital")
    html = member.get(f"/organizations?sector={sector_id('fire_ems')}").get_data(as_text=True)
    assert _names(html, "organizations") == ["County EMS"]


def test_organizations_are_filtered_by_table(member, make_org, make_person, make_table, seat):
    seated = make_org("County EMS")
    make_org("Harbor Hospital")
    table = make_table("coalition")
    seat(make_person(organizations=[seated]), table, seated)
    html = member.get(f"/organizations?table={table.id}").get_data(as_text=True)
    assert _names(html, "organizations") == ["County EMS"]


def test_a_hidden_case_table_cannot_be_used_as_a_filter(member, make_org, make_person,
                                                        make_table, seat):
    seated = make_org("Secretly Seated Org")
    make_org("Other Org")
    table = make_table("ofr", name="Hidden OFR")
    seat(make_person(organizations=[seated]), table, seated)
    response = member.get(f"/organizations?table={table.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a table from the list." in html
    assert "Hidden OFR" not in html
    assert _names(html, "organizations") == ["Other Org", "Secretly Seated Org"]


@pytest.mark.parametrize(("status", "expected"), [
    ("", ["Active Org"]), ("active", ["Active Org"]), ("inactive", ["Former Org"]),
    ("all", ["Active Org", "Former Org"]),
])
def test_organizations_are_filtered_by_status(member, make_org, status, expected):
    make_org("Active Org")
    make_org("Former Org", is_active=False)
    html = member.get(f"/organizations?status={status}" if status else "/organizations")
    assert _names(html.get_data(as_text=True), "organizations") == expected


def test_a_bad_filter_is_reported_not_failed(member):
    response = member.get("/organizations?sector=abc&status=everything")
    assert response.status_code == 400
    assert "Choose a sector from the list." in response.get_data(as_text=True)


def test_filters_are_kept_in_the_page_links(member, make_org):
    for n in range(5):
        make_org(f"Harbor {n}", sector="fire_ems")
    html = member.get(f"/organizations?q=harbor&sector={sector_id('fire_ems')}").get_data(
        as_text=True)
    assert "q=harbor" in html and "page=2" in html


def test_the_organization_list_makes_the_same_queries_whatever_its_size(member, make_org):
    def fill(n: int):
        for i in range(n):
            org = make_org(sector="fire_ems" if i % 2 else "public_health")
            db.session.add(Agreement(organization=org, signed_on=date(2025, 1, 1),
                                     expires_on=local_today() + timedelta(days=i)))
        db.session.commit()

    fill(1)
    with counting_queries() as small:
        member.get("/organizations")
    fill(PAGE_SIZE * 3)
    with counting_queries() as large:
        member.get("/organizations")
    assert len(large) == len(small)


# --- people ---------------------------------------------------------------------------------

def test_people_are_paginated(member, make_person):
    for n in range(4):
        make_person(f"Person {n}")
    assert _names(member.get("/people?page=2").get_data(as_text=True), "people") == ["Person 3"]


def test_people_are_searched_by_name_or_email(member, make_person):
    make_person("Robin Outreach", email="robin@eastside.example")
    make_person("Sam Medic", email="sam@ems.example")
    assert _names(member.get("/people?q=robin").get_data(as_text=True), "people") == [
        "Robin Outreach"]
    assert _names(member.get("/people?q=EMS.EXAMPLE").get_data(as_text=True), "people") == [
        "Sam Medic"]


def test_people_are_filtered_by_organization(member, make_org, make_person):
    org = make_org("County EMS")
    make_person("Sam Medic", organizations=[org])
    make_person("Robin Outreach")
    html = member.get(f"/people?organization={org.id}").get_data(as_text=True)
    assert _names(html, "people") == ["Sam Medic"]


def test_people_are_filtered_by_table(member, make_org, make_person, make_table, seat):
    org = make_org()
    table = make_table("coalition")
    seat(make_person("Sam Medic", organizations=[org]), table, org)
    make_person("Robin Outreach", organizations=[org])
    html = member.get(f"/people?table={table.id}").get_data(as_text=True)
    assert _names(html, "people") == ["Sam Medic"]


def test_inactive_people_are_listed_on_request(member, make_person):
    make_person("Current Person")
    make_person("Former Person", is_active=False)
    assert _names(member.get("/people").get_data(as_text=True), "people") == ["Current Person"]
    assert _names(member.get("/people?status=inactive").get_data(as_text=True), "people") == [
        "Former Person"]


def test_the_people_list_makes_the_same_queries_whatever_its_size(member, make_org,
                                                                  make_person):
    orgs = [make_org(), make_org()]
    make_person(organizations=orgs)
    with counting_queries() as small:
        member.get("/people")
    for _ in range(PAGE_SIZE * 2):
        make_person(organizations=orgs)
    with counting_queries() as large:
        member.get("/people")
    assert len(large) == len(small)


def test_list_pages_have_one_heading_and_labelled_filters(member):
    for path in ("/organizations", "/people", "/tables", "/coverage"):
        html = member.get(path).get_data(as_text=True)
        assert html.count("<h1") == 1, path
        assert 'style="' not in html and "<script>" not in html, path
    html = member.get("/organizations").get_data(as_text=True)
    for label in ("Name contains", "Sector", "Seated at table", "Status"):
        assert f">{label}</label>" in html


def test_detail_pages_make_the_same_queries_whatever_the_roster_size(
        client, login, make_user, make_org, make_person, make_table, seat):
    login(make_user("coordinator"))
    org = make_org()
    table = make_table("coalition")
    anchor = make_person(organizations=[org])
    seat(anchor, table, org)
    pages = [f"/organizations/{org.id}", f"/people/{anchor.id}", f"/tables/{table.id}"]

    def measure() -> list[int]:
        sizes = []
        for path in pages:
            db.session.remove()  # a fresh session, as each real request gets
            with counting_queries() as seen:
                assert client.get(path).status_code == 200
            sizes.append(len(seen))
        return sizes

    small = measure()
    org, table = db.session.merge(org), db.session.merge(table)
    for sector in ("fire_ems", "schools", "pharmacy", "law_enforcement"):
        other = make_org(sector=sector)
        person = make_person(organizations=[org, other])
        seat(person, table, other)
        db.session.add(Agreement(organization=org, signed_on=date(2025, 1, 1),
                                 expires_on=date(2025, 12, 31)))
        db.session.commit()
    assert measure() == small


# --- the lists' side queries, against their straightforward definitions -----------------------

def test_the_organizations_of_people_are_their_affiliations_by_name(make_org, make_person):
    from coalition.roster.services import organization_names_of
    zeta, alpha, lower = make_org("Zeta Clinic"), make_org("Alpha House"), make_org("alpha lab")
    same_a, same_b = make_org("Twin"), make_org("beta")
    people = [make_person(organizations=orgs) for orgs in (
        (), (zeta,), (zeta, alpha, lower), (lower, zeta), (same_b, same_a, alpha))]
    db.session.commit()
    found = organization_names_of(person.id for person in people)
    for person in people:
        expected = sorted(a.organization.name for a in person.affiliations)
        assert found.get(person.id, []) == expected
    assert people[0].id not in found
    assert organization_names_of([]) == {}


def test_the_people_list_names_each_person_s_organizations(member, make_org, make_person):
    zeta, alpha = make_org("Zeta Clinic"), make_org("Alpha House")
    make_person("Ann Both", organizations=(zeta, alpha))
    make_person("Bo None")
    db.session.commit()
    html = member.get("/people").get_data(as_text=True)
    assert re.search(r">Ann Both</a></td>\s*<td>[^<]*</td>\s*<td>Alpha House; Zeta Clinic</td>",
                     html)
    assert re.search(r">Bo None</a></td>\s*<td>[^<]*</td>\s*<td>—</td>", html)


def test_the_current_agreements_are_those_of_the_organizations(make_org):
    """The list reads each organization's current agreement with its row: the one expiring
    last, as ``Organization.current_agreement`` finds it; none without an agreement."""
    from coalition.roster.services import agreement_expiry, agreement_states, organization_query
    today = local_today()
    orgs = [make_org() for _ in range(5)]
    expiries = [(), (today - timedelta(days=3),), (today + timedelta(days=10),
                                                    today - timedelta(days=400)),
                (today + timedelta(days=200), today + timedelta(days=20)), (today,)]
    for org, dates in zip(orgs, expiries, strict=True):
        for expires_on in dates:
            db.session.add(Agreement(organization=org, signed_on=today - timedelta(days=900),
                                     expires_on=expires_on))
    db.session.commit()
    rows = db.session.execute(organization_query(status="all").add_columns(
        agreement_expiry()).where(Organization.id.in_([org.id for org in orgs]))).all()
    assert sorted(row[0].id for row in rows) == sorted(org.id for org in orgs)
    found = agreement_states(((org.id, expires_on) for org, expires_on in rows), today, 30)
    for org in orgs:
        db.session.refresh(org)
        current = org.current_agreement
        assert found.get(org.id) == (
            (current.status(today, 30), current.expires_on) if current else None)
    assert {status for status, _ in found.values()} == {"expired", "expiring", "current"}
    assert agreement_states([], today, 30) == {}


@pytest.mark.parametrize("choices", [
    [("", "Any organization"), ("1", "Alpha"), ("22", "B & <C> \"quoted\"")],
    [("7", ""), ("8", "Eight")],
    [(True, "Yes"), (False, "No")],
])
@pytest.mark.parametrize("data", [None, "22", "8", "True"])
def test_the_options_select_writes_what_the_select_widget_writes(app, choices, data):
    from wtforms import Form, SelectField
    from wtforms.fields.choices import SelectChoice

    from coalition.core.fields import OptionsSelect

    offered = [SelectChoice(value, label) for value, label in choices]

    class Plain(Form):
        pick = SelectField("Pick", choices=offered)

    class Quick(Form):
        pick = SelectField("Pick", choices=offered, widget=OptionsSelect())

    formdata = {"pick": data} if data is not None else None
    from werkzeug.datastructures import MultiDict
    plain = Plain(MultiDict(formdata) if formdata else None)
    quick = Quick(MultiDict(formdata) if formdata else None)
    assert str(quick.pick(class_="form-select")) == str(plain.pick(class_="form-select"))
    # an option with its own attributes is written by the select widget itself
    plain.pick.choices = quick.pick.choices = [SelectChoice("1", "One", render_kw={"x": "y"})]
    assert str(quick.pick()) == str(plain.pick())


# --- filter choices kept until the data changes ---------------------------------------------

def _options(html: str, select: str) -> list[str]:
    found = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", found.group(1))


def test_kept_filter_choices_follow_a_committed_change(
        client, login, make_user, make_person, make_org, make_table, seat):
    person = make_person("Seated Member")
    login(make_user("member", person=person))
    org = make_org("Alpha Agency")
    hidden = make_table("risk_review", name="Quiet Hub")
    assert "Alpha Agency" in _options(client.get("/people").get_data(as_text=True),
                                      "organization")
    assert "Quiet Hub" not in _options(client.get("/people").get_data(as_text=True), "table")
    make_org("Beta Agency")
    seat(person, hidden, org)  # the member now sits at the case table: it becomes visible
    db.session.commit()
    page = client.get("/people").get_data(as_text=True)
    assert {"Alpha Agency", "Beta Agency"} <= set(_options(page, "organization"))
    assert "Quiet Hub" in _options(page, "table")
    assert "Quiet Hub" in _options(client.get("/organizations").get_data(as_text=True),
                                   "table")


def test_table_choices_are_kept_per_viewer(client, login, make_user, make_person, make_org,
                                           make_table, seat):
    org = make_org()
    seated = make_person("Seated Member")
    seat(seated, make_table("risk_review", name="Quiet Hub"), org)
    db.session.commit()
    login(make_user("member", person=seated))
    assert "Quiet Hub" in _options(client.get("/people").get_data(as_text=True), "table")
    other = login(make_user("member", person=make_person("Not Seated")),
                  test_client=client.application.test_client())
    assert "Quiet Hub" not in _options(other.get("/people").get_data(as_text=True), "table")
    assert "Quiet Hub" in _options(client.get("/people").get_data(as_text=True), "table")
