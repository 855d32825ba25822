"""People and their affiliations: create, edit, bad input, linking and unlinking."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coalition.extensions import db
from coalition.roster.models import Affiliation, Person
from tests.conftest import audit_rows, count, error_for, hidden_value


def _person_form(**fields) -> dict:
    return {"name": "Robin Outreach", "email": "robin@eastside.example", "phone": "555-0142",
            "title": "Peer outreach lead", "notes": "", "organization_id": "", "role_title": "",
            **fields}


def _edit_form(person: Person, **fields) -> dict:
    data = {"name": person.name, "email": person.email, "phone": person.phone,
            "title": person.title, "notes": person.notes, "is_active": "y",
            "version_id": str(person.version_id)}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


# --- creating -------------------------------------------------------------------------------

def test_a_coordinator_adds_a_person(as_coordinator, coordinator):
    response = as_coordinator.post("/people/new", data=_person_form())
    person = db.session.scalar(select(Person))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/people/{person.id}")
    assert (person.name, person.email, person.title) == (
        "Robin Outreach", "robin@eastside.example", "Peer outreach lead")
    [row] = audit_rows("create", "people", person.id)
    assert row.user_id == coordinator.id


def test_a_person_may_be_added_with_a_first_organization(as_coordinator, make_org):
    org = make_org("Eastside Harm Reduction")
    as_coordinator.post("/people/new", data=_person_form(organization_id=str(org.id),
                                                         role_title="Outreach lead"))
    [affiliation] = db.session.scalars(select(Affiliation)).all()
    assert affiliation.organization_id == org.id and affiliation.role_title == "Outreach lead"
    assert len(audit_rows("create", "affiliations", affiliation.id)) == 1


def test_the_email_is_optional(as_coordinator):
    response = as_coordinator.post("/people/new", data=_person_form(email=""))
    assert response.status_code == 302
    assert db.session.scalar(select(Person.email)) == ""


@pytest.mark.parametrize(("fields", "field_id", "message"), [
    ({"name": ""}, "name", "Enter the person&#39;s name."),
    ({"name": "R" * 121}, "name", "Use at most 120 characters."),
    ({"email": "robin at eastside"}, "email", "Enter a valid e-mail address"),
    ({"email": "robin@"}, "email", "Enter a valid e-mail address"),
    ({"email": "r" * 250 + "@x.org"}, "email", "Use at most 254 characters."),
    ({"phone": "5" * 41}, "phone", "Use at most 40 characters."),
    ({"title": "T" * 121}, "title", "Use at most 120 characters."),
    ({"organization_id": "424242"}, "organization_id", "Choose an organization from the list."),
    ({"organization_id": "eastside"}, "organization_id", "Choose an organization from the list."),
    ({"role_title": "Outreach lead"}, "organization_id",
     "Choose the organization this role title is for."),
])
def test_bad_person_input_is_refused_at_the_field(as_coordinator, fields, field_id, message):
    response = as_coordinator.post("/people/new", data=_person_form(**fields))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in error_for(html, field_id)
    assert count(Person) == 0 and count(Affiliation) == 0
    kept = 'value="555-0142"' if field_id != "phone" else 'value="Peer outreach lead"'
    assert kept in html


def test_a_second_person_with_the_same_email_is_refused(as_coordinator, make_person):
    make_person("Robin Outreach", email="Robin@Eastside.example")
    response = as_coordinator.post("/people/new", data=_person_form(name="R. Outreach"))
    assert response.status_code == 400
    assert "Robin Outreach already has this e-mail address" in error_for(
        response.get_data(as_text=True), "email")
    assert count(Person) == 1


def test_a_person_keeps_their_own_email_when_edited(as_coordinator, make_person):
    person = make_person("Robin Outreach", email="robin@eastside.example")
    response = as_coordinator.post(f"/people/{person.id}/edit",
                                   data=_edit_form(person, title="Lead"))
    assert response.status_code == 302


def test_an_inactive_organization_cannot_be_the_first_affiliation(as_coordinator, make_org):
    org = make_org("Closed Clinic", is_active=False)
    response = as_coordinator.post("/people/new", data=_person_form(organization_id=str(org.id)))
    assert response.status_code == 400
    assert count(Person) == 0


# --- editing --------------------------------------------------------------------------------

def test_a_coordinator_edits_a_person(as_coordinator, make_person):
    person = make_person("Robin Outreach", email="robin@old.example")
    response = as_coordinator.post(f"/people/{person.id}/edit",
                                   data=_edit_form(person, email="robin@new.example"))
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.email == "robin@new.example"
    [row] = audit_rows("update", "people", person.id)
    assert "robin@new.example" in row.summary


def test_clearing_active_deactivates_a_person(as_coordinator, make_person):
    person = make_person()
    as_coordinator.post(f"/people/{person.id}/edit", data=_edit_form(person, is_active=None))
    db.session.refresh(person)
    assert person.is_active is False
    assert len(audit_rows("deactivate", "people", person.id)) == 1


def test_a_concurrent_person_edit_is_reported(as_coordinator, make_person):
    person = make_person("Robin Outreach")
    html = as_coordinator.get(f"/people/{person.id}/edit").get_data(as_text=True)
    loaded = hidden_value(html, "version_id")
    person.title = "Changed elsewhere"
    db.session.commit()
    response = as_coordinator.post(f"/people/{person.id}/edit",
                                   data=_edit_form(person, title="Mine", version_id=loaded))
    assert response.status_code == 409
    assert "Someone else saved a change to this person" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.title == "Changed elsewhere"


def test_bad_input_on_person_edit_changes_nothing(as_coordinator, make_person):
    person = make_person("Robin Outreach")
    response = as_coordinator.post(f"/people/{person.id}/edit",
                                   data=_edit_form(person, name="", email="nope"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_for(html, "name") and error_for(html, "email")
    db.session.refresh(person)
    assert person.name == "Robin Outreach"


# --- detail ---------------------------------------------------------------------------------

def test_the_detail_page_shows_contact_organizations_and_seats(client, login, make_user,
                                                              make_org, make_person,
                                                              make_table, seat):
    org = make_org("Eastside Harm Reduction")
    person = make_person("Robin Outreach", email="robin@eastside.example", phone="555-0142")
    db.session.add(Affiliation(person=person, organization=org, role_title="Outreach lead"))
    db.session.commit()
    seat(person, make_table("coalition", name="County Coalition"), org)
    login(make_user("member"))
    html = client.get(f"/people/{person.id}").get_data(as_text=True)
    for text in ("robin@eastside.example", "555-0142", "Eastside Harm Reduction",
                 "Outreach lead", "County Coalition"):
        assert text in html
    assert "Add an affiliation" not in html


def test_coordinators_see_the_add_affiliation_form(as_coordinator, make_person):
    person = make_person()
    html = as_coordinator.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Add an affiliation" in html and ">Role title</label>" in html


def test_seats_at_hidden_case_tables_are_not_shown(client, login, make_user, make_org,
                                                   make_person, make_table, seat):
    org = make_org()
    person = make_person(organizations=[org])
    seat(person, make_table("risk_review", name="Hidden Hub Table"), org)
    login(make_user("member"))
    assert "Hidden Hub Table" not in client.get(f"/people/{person.id}").get_data(as_text=True)


# --- affiliations ---------------------------------------------------------------------------

def test_a_coordinator_links_a_person_to_an_organization(as_coordinator, make_org, make_person,
                                                         coordinator):
    org = make_org("County Jail", sector="corrections_jail")
    person = make_person()
    response = as_coordinator.post(f"/people/{person.id}/affiliations",
                                   data={"organization_id": str(org.id),
                                         "role_title": "Re-entry nurse"})
    assert response.status_code == 302
    [affiliation] = db.session.scalars(select(Affiliation)).all()
    assert (affiliation.person_id, affiliation.organization_id) == (person.id, org.id)
    [row] = audit_rows("create", "affiliations", affiliation.id)
    assert row.user_id == coordinator.id


def test_a_duplicate_affiliation_is_refused_with_a_clear_message(as_coordinator, make_org,
                                                                 make_person):
    org = make_org("County Jail")
    person = make_person("Robin Outreach", organizations=[org])
    response = as_coordinator.post(f"/people/{person.id}/affiliations",
                                   data={"organization_id": str(org.id), "role_title": "Again"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_for(html, "organization_id") == (
        "Robin Outreach is already affiliated with County Jail.")
    assert 'value="Again"' in html
    assert count(Affiliation) == 1


@pytest.mark.parametrize("value", ["", "999999", "x1", "1.5"])
def test_an_affiliation_needs_a_known_organization(as_coordinator, make_person, value):
    person = make_person()
    response = as_coordinator.post(f"/people/{person.id}/affiliations",
                                   data={"organization_id": value, "role_title": ""})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "organization_id")
    assert count(Affiliation) == 0


def test_a_coordinator_removes_an_affiliation(as_coordinator, make_org, make_person):
    person = make_person(organizations=[make_org()])
    affiliation = person.affiliations[0]
    affiliation_id = affiliation.id
    response = as_coordinator.post(
        f"/people/{person.id}/affiliations/{affiliation_id}/remove")
    assert response.status_code == 302
    assert count(Affiliation) == 0
    assert len(audit_rows("remove", "affiliations", affiliation_id)) == 1


def test_an_affiliation_someone_is_seated_for_cannot_be_removed(as_coordinator, make_org,
                                                                make_person, make_table, seat):
    org = make_org("County Jail")
    person = make_person("Robin Outreach", organizations=[org])
    seat(person, make_table("coalition", name="County Coalition"), org)
    affiliation = person.affiliations[0]
    response = as_coordinator.post(f"/people/{person.id}/affiliations/{affiliation.id}/remove")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Robin Outreach sits at County Coalition for County Jail" in html
    assert count(Affiliation) == 1
    assert audit_rows("remove") == []


def test_an_affiliation_of_another_person_is_404(as_coordinator, make_org, make_person):
    org = make_org()
    owner = make_person(organizations=[org])
    other = make_person()
    url = f"/people/{other.id}/affiliations/{owner.affiliations[0].id}/remove"
    assert as_coordinator.post(url).status_code == 404
    assert count(Affiliation) == 1


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/people/new"), ("post", "/people/new"), ("get", "/people/{id}/edit"),
    ("post", "/people/{id}/affiliations"), ("post", "/people/{id}/affiliations/1/remove"),
])
def test_members_cannot_change_people(client, login, make_user, make_person, method, path):
    person = make_person()
    login(make_user("member"))
    response = getattr(client, method)(path.format(id=person.id))
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/people/999", "/people/99999999999999999999/edit"])
def test_unknown_people_are_404(as_coordinator, path):
    assert as_coordinator.get(path).status_code == 404
