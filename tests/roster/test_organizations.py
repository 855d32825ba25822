"""Organizations: create, edit, deactivate, bad input, concurrent edits, who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.roster import services as roster
from coalition.roster.models import Organization
from tests.conftest import audit_rows, count, error_for, hidden_value, sector_id


def _org_form(**fields) -> dict:
    return {"name": "Eastside Harm Reduction",
            "sector_id": sector_id("harm_reduction_syringe_services"),
            "address": "12 Kept Street", "phone": "555-0100",
            "website": "https://eastside.example", "notes": "Runs the syringe services van.",
            **fields}


def _edit_form(org: Organization, **fields) -> dict:
    data = {"name": org.name, "sector_id": str(org.sector_id), "address": org.address,
            "phone": org.phone, "website": org.website, "notes": org.notes, "is_active": "y",
            "version_id": str(org.version_id)}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


# --- creating -------------------------------------------------------------------------------

def test_the_new_organization_form_shows_labelled_fields(as_coordinator):
    html = as_coordinator.get("/organizations/new").get_data(as_text=True)
    assert html.count("<h1") == 1
    for label in ("Name", "Sector", "Address", "Phone", "Website", "Notes"):
        assert f">{label}</label>" in html


def test_a_coordinator_adds_an_organization(as_coordinator, coordinator):
    response = as_coordinator.post("/organizations/new", data=_org_form())
    org = db.session.scalar(select(Organization))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/organizations/{org.id}")
    assert org.name == "Eastside Harm Reduction"
    assert org.name_key == "eastside harm reduction"
    assert org.sector.code == "harm_reduction_syringe_services"
    assert org.website == "https://eastside.example" and org.is_active


def test_adding_an_organization_writes_one_audit_row(as_coordinator, coordinator):
    as_coordinator.post("/organizations/new", data=_org_form())
    org = db.session.scalar(select(Organization))
    [row] = audit_rows("create", "organizations")
    assert row.object_id == org.id and row.user_id == coordinator.id
    assert "Eastside Harm Reduction" in row.summary


def test_surrounding_spaces_are_trimmed_from_the_name(as_coordinator):
    as_coordinator.post("/organizations/new", data=_org_form(name="  County EMS  "))
    assert db.session.scalar(select(Organization.name)) == "County EMS"


@pytest.mark.parametrize(("fields", "field_id", "message"), [
    ({"name": ""}, "name", "Enter the organization&#39;s name."),
    ({"name": "   "}, "name", "Enter the organization&#39;s name."),
    ({"name": "N" * 201}, "name", "Use at most 200 characters."),
    ({"name": "Bell\x07Agency"}, "name",
     "Remove the invisible control characters from this field."),
    ({"sector_id": ""}, "sector_id", "Choose a sector."),
    ({"sector_id": "999999"}, "sector_id", "Choose a sector from the list."),
    ({"sector_id": "abc"}, "sector_id", "Choose a sector from the list."),
    ({"sector_id": "-3"}, "sector_id", "Choose a sector from the list."),
    ({"sector_id": "9" * 40}, "sector_id", "Choose a sector from the list."),
    ({"address": "A" * 301}, "address", "Use at most 300 characters."),
    ({"phone": "5" * 41}, "phone", "Use at most 40 characters."),
    ({"website": "eastside.example"}, "website", "Enter a web address starting with http"),
    ({"website": "ftp://eastside.example"}, "website", "Enter a web address starting with http"),
    ({"website": "javascript:alert(1)"}, "website", "Enter a web address starting with http"),
    ({"website": "https://"}, "website", "Enter a web address starting with http"),
    ({"website": "http://[::1"}, "website", "Enter a web address starting with http"),
    ({"website": "https://x.org/" + "p" * 300}, "website", "Use at most 300 characters."),
    ({"notes": "n" * 5001}, "notes", "Use at most 5000 characters."),
])
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(as_coordinator, fields,
                                                                 field_id, message):
    before = count(Organization)
    response = as_coordinator.post("/organizations/new", data=_org_form(**fields))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in error_for(html, field_id)
    assert count(Organization) == before
    assert audit_rows("create", "organizations") == []
    kept = 'value="555-0100"' if field_id == "address" else 'value="12 Kept Street"'
    assert kept in html  # what was typed is kept


def test_a_too_long_name_is_kept_in_the_form(as_coordinator):
    long_name = "Northern County Recovery Network " * 7
    html = as_coordinator.post("/organizations/new",
                               data=_org_form(name=long_name)).get_data(as_text=True)
    assert f'value="{long_name.strip()}"' in html


def test_a_sector_of_another_vocabulary_is_refused(as_coordinator):
    stage = term_by_code("stage", "prevention")
    response = as_coordinator.post("/organizations/new", data=_org_form(sector_id=str(stage.id)))
    assert response.status_code == 400
    assert "Choose a sector from the list." in error_for(response.get_data(as_text=True),
                                                        "sector_id")
    assert count(Organization) == 0


def test_a_retired_sector_is_refused_for_a_new_organization(as_coordinator):
    term = term_by_code("sector", "schools")
    term.is_active = False
    db.session.commit()
    response = as_coordinator.post("/organizations/new", data=_org_form(sector_id=str(term.id)))
    assert response.status_code == 400
    assert count(Organization) == 0


def test_a_duplicate_name_in_another_case_is_refused(as_coordinator, make_org):
    make_org("Eastside Harm Reduction")
    response = as_coordinator.post("/organizations/new",
                                   data=_org_form(name="EASTSIDE harm reduction"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_for(html, "name") == "An organization with this name already exists."
    assert 'value="EASTSIDE harm reduction"' in html
    assert count(Organization) == 1


def test_a_post_without_csrf_token_is_refused(raw_client, login, coordinator):
    raw_client.add_csrf = True  # sign in normally, then forge the next request
    login(coordinator, test_client=raw_client)
    raw_client.add_csrf = False
    response = raw_client.post("/organizations/new", data=_org_form())
    assert response.status_code == 400
    assert count(Organization) == 0


# --- editing --------------------------------------------------------------------------------

def test_the_edit_form_starts_from_the_saved_values(as_coordinator, make_org):
    org = make_org("Harbor Hospital", phone="555-0199")
    html = as_coordinator.get(f"/organizations/{org.id}/edit").get_data(as_text=True)
    assert 'value="Harbor Hospital"' in html and 'value="555-0199"' in html
    assert hidden_value(html, "version_id") == str(org.version_id)
    assert ">Active</label>" in html


def test_a_coordinator_edits_an_organization(as_coordinator, make_org, coordinator):
    org = make_org("Harbor Hospital")
    response = as_coordinator.post(f"/organizations/{org.id}/edit",
                                   data=_edit_form(org, name="Harbor General Hospital",
                                                   phone="555-0123"))
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.name == "Harbor General Hospital" and org.name_key == "harbor general hospital"
    assert org.phone == "555-0123"
    [row] = audit_rows("update", "organizations", org.id)
    assert row.user_id == coordinator.id
    assert "'Harbor Hospital' → 'Harbor General Hospital'" in row.summary


def test_renaming_an_organization_to_another_case_of_its_own_name_is_allowed(
        as_coordinator, make_org):
    org = make_org("Harbor hospital")
    response = as_coordinator.post(f"/organizations/{org.id}/edit",
                                   data=_edit_form(org, name="Harbor Hospital"))
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.name == "Harbor Hospital"


def test_renaming_onto_another_organization_is_refused(as_coordinator, make_org):
    make_org("County Jail")
    org = make_org("Harbor Hospital")
    response = as_coordinator.post(f"/organizations/{org.id}/edit",
                                   data=_edit_form(org, name="county jail"))
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "name") == (
        "An organization with this name already exists.")
    db.session.refresh(org)
    assert org.name == "Harbor Hospital"


def test_clearing_active_deactivates_the_organization(as_coordinator, make_org):
    org = make_org("Harbor Hospital")
    response = as_coordinator.post(f"/organizations/{org.id}/edit",
                                   data=_edit_form(org, is_active=None))
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.is_active is False
    [row] = audit_rows("deactivate", "organizations", org.id)
    assert "active: True → False" in row.summary


def test_saving_without_changes_writes_no_audit_row(as_coordinator, make_org):
    org = make_org("Harbor Hospital")
    response = as_coordinator.post(f"/organizations/{org.id}/edit", data=_edit_form(org))
    assert response.status_code == 302
    assert audit_rows("update", "organizations") == []


def test_bad_input_on_edit_keeps_the_typed_values_and_changes_nothing(as_coordinator, make_org):
    org = make_org("Harbor Hospital")
    response = as_coordinator.post(f"/organizations/{org.id}/edit",
                                   data=_edit_form(org, name="Harbor Health",
                                                   website="harbor dot org"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a web address" in error_for(html, "website")
    assert 'value="Harbor Health"' in html and 'value="harbor dot org"' in html
    db.session.refresh(org)
    assert org.name == "Harbor Hospital"


def test_a_concurrent_edit_is_reported_with_the_current_values(as_coordinator, make_org,
                                                               coordinator):
    org = make_org("Harbor Hospital", phone="555-0100")
    html = as_coordinator.get(f"/organizations/{org.id}/edit").get_data(as_text=True)
    loaded_version = hidden_value(html, "version_id")
    # meanwhile, someone else saves a change
    roster.update_organization(coordinator, org, version_id=org.version_id,
                               name="Harbor Regional Hospital", sector_id=org.sector_id,
                               address="", phone="555-0100", website="", notes="",
                               is_active=True)
    db.session.commit()

    response = as_coordinator.post(f"/organizations/{org.id}/edit", data=_edit_form(
        org, name="Harbor Hospital", phone="555-0999", version_id=loaded_version))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved a change to this organization" in html
    assert "Saved meanwhile, and what you typed" in html and "Harbor Regional Hospital" in html
    assert 'value="555-0999"' in html  # the user's own edit is not lost either
    db.session.refresh(org)
    assert org.name == "Harbor Regional Hospital" and org.phone == "555-0100"


def test_after_a_conflict_saving_again_applies_the_users_edit(as_coordinator, make_org,
                                                              coordinator):
    org = make_org("Harbor Hospital")
    stale = str(org.version_id)
    roster.update_organization(coordinator, org, version_id=org.version_id, name="Harbor Two",
                               sector_id=org.sector_id, address="", phone="", website="",
                               notes="", is_active=True)
    db.session.commit()
    conflict = as_coordinator.post(f"/organizations/{org.id}/edit",
                                   data=_edit_form(org, phone="555-0999", version_id=stale))
    fresh = hidden_value(conflict.get_data(as_text=True), "version_id")
    response = as_coordinator.post(f"/organizations/{org.id}/edit",
                                   data=_edit_form(org, phone="555-0999", version_id=fresh))
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.phone == "555-0999"


def test_an_edit_without_version_is_treated_as_a_conflict(as_coordinator, make_org):
    org = make_org("Harbor Hospital")
    response = as_coordinator.post(f"/organizations/{org.id}/edit",
                                   data=_edit_form(org, name="Changed", version_id=None))
    assert response.status_code == 409
    db.session.refresh(org)
    assert org.name == "Harbor Hospital"


# --- reading --------------------------------------------------------------------------------

def test_the_detail_page_shows_facts_people_and_tables(client, login, make_user, make_org,
                                                      make_person, make_table, seat):
    org = make_org("Harbor Hospital", sector="emergency_department_hospital",
                   website="https://harbor.example")
    person = make_person("Dana Nurse", organizations=[org])
    table = make_table("coalition", name="Harbor County Coalition")
    seat(person, table, org)
    login(make_user("member"))
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Emergency department/hospital" in html
    assert "Dana Nurse" in html and "Harbor County Coalition" in html
    assert "No data-sharing agreement has been recorded" in html


def test_the_detail_page_hides_case_tables_the_viewer_cannot_see(client, login, make_user,
                                                                 make_org, make_person,
                                                                 make_table, seat):
    org = make_org("Harbor Hospital")
    person = make_person("Dana Nurse", organizations=[org])
    seat(person, make_table("ofr", name="Secret OFR Team"), org)
    login(make_user("member"))
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Secret OFR Team" not in html


@pytest.mark.parametrize("path", ["/organizations/4040", "/organizations/99999999999999999999999",
                                  "/organizations/4040/edit"])
def test_unknown_organizations_are_404(as_coordinator, path):
    assert as_coordinator.get(path).status_code == 404


# --- who may do what ------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["member", "leader"])
def test_only_coordinators_add_organizations(client, login, make_user, role):
    login(make_user(role))
    assert client.get("/organizations/new").status_code == 403
    assert client.post("/organizations/new", data=_org_form()).status_code == 403
    assert count(Organization) == 0


def test_members_cannot_edit_organizations(client, login, make_user, make_org):
    org = make_org("Harbor Hospital")
    login(make_user("member"))
    assert client.get(f"/organizations/{org.id}/edit").status_code == 403
    response = client.post(f"/organizations/{org.id}/edit", data=_edit_form(org, name="Mine"))
    assert response.status_code == 403
    db.session.refresh(org)
    assert org.name == "Harbor Hospital"


def test_members_do_not_see_the_edit_button(client, login, make_user, make_org):
    org = make_org("Harbor Hospital")
    login(make_user("member"))
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Edit organization" not in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/organizations")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
