"""The records request form offers the agencies seated at the case's table (a county has some 150
agencies: no list of them all on every showing of a case); any other agency is named in a text
field, found by its name in any case, and a name no agency has is refused at that field with
nothing saved."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.models import FatalityCase, RecordsRequest
from coalition.roster import seats
from coalition.roster.models import Organization, TableMembership
from tests.conftest import audit_rows, count, error_for


def _offered(page: str) -> set[int]:
    return {int(value) for value in re.findall(
        r'name="organization_ids" type="checkbox" value="(\d+)"', page)}


def _seated_agencies(table) -> list[tuple[int, str]]:
    """The straightforward definition: the active organizations seats at the table are held
    for, each once, by name."""
    orgs = {m.organization for m in db.session.scalars(
        select(TableMembership).where(TableMembership.table_id == table.id))}
    return [(org.id, org.name) for org in sorted(
        (org for org in orgs if org.is_active), key=lambda org: (org.name_key, org.id))]


def test_table_seats_are_the_seat_choices_and_the_seated_agencies(
        ofr_setting, make_org, make_person, seat):
    retired = make_org("Retired Outreach Team", is_active=False)
    seat(make_person("Outreach Worker", organizations=[retired]), ofr_setting.table, retired)
    seat(make_person("Second Detective", organizations=[ofr_setting.police]), ofr_setting.table,
         ofr_setting.police)
    found = ofr.table_seats(ofr_setting.table)
    assert found.owners == seats.seat_choices(ofr_setting.table)
    assert found.agencies == _seated_agencies(ofr_setting.table)
    assert retired.id not in dict(found.agencies)
    assert ofr_setting.hospital.id not in dict(found.agencies)  # not seated
    other = ofr.table_seats(ofr_setting.other_table)
    assert other.owners == seats.seat_choices(ofr_setting.other_table)
    assert other.agencies == _seated_agencies(ofr_setting.other_table)


def test_the_case_page_offers_the_seated_agencies_not_yet_asked(client, login, ofr_setting,
                                                               make_case):
    case = make_case()
    ofr.request_records(ofr_setting.manager, case, organization_ids=[ofr_setting.police.id])
    db.session.commit()
    login(ofr_setting.manager)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert _offered(page) == {ofr_setting.health.id, ofr_setting.ems.id}
    assert ofr_setting.hospital.name not in page and ofr_setting.treatment.name not in page
    assert 'id="other_agency"' in page and "Another agency" in page


def test_another_agency_is_found_by_its_name(client, login, ofr_setting, make_case):
    case = make_case()
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/requests", data={
        "organization_ids": [str(ofr_setting.police.id)],
        "other_agency": "  test GENERAL hospital "})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert sorted(r.organization_id for r in db.session.get(FatalityCase, case.id).requests) \
        == sorted([ofr_setting.police.id, ofr_setting.hospital.id])
    # named alone, and a seated agency named instead of ticked
    response = client.post(f"/cases/{case.id}/requests", data={
        "other_agency": ofr_setting.ems.name})
    assert response.status_code == 302
    assert count(RecordsRequest) == 3


@pytest.mark.parametrize("name, message", [
    ("General", "No agency of the roster has this name. Did you mean: Test General Hospital?"),
    ("Nowhere Clinic", "No agency of the roster has this name."),
    ("%", "No agency of the roster has this name."),
    ("Retired Outreach Team", "No agency of the roster has this name."),
])
def test_a_name_no_agency_has_is_refused_at_the_field(client, login, ofr_setting, make_case,
                                                      make_org, name, message):
    make_org("Retired Outreach Team", is_active=False)
    case = make_case()
    login(ofr_setting.manager)
    before = len(audit_rows())
    response = client.post(f"/cases/{case.id}/requests", data={
        "organization_ids": [str(ofr_setting.police.id)], "other_agency": name})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_for(page, "other_agency") == message
    assert f'value="{name}"' in page  # what was typed is kept
    assert count(RecordsRequest) == 0
    assert len(audit_rows()) == before + 1  # the showing of the case only
    assert audit_rows()[-1].action == "view"


def test_an_agency_not_offered_cannot_be_ticked(client, login, ofr_setting, make_case):
    case = make_case()
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/requests", data={
        "organization_ids": [str(ofr_setting.police.id), str(ofr_setting.hospital.id)]})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "organization_ids")
    assert count(RecordsRequest) == 0


def test_an_agency_asked_already_is_refused_when_named(client, login, ofr_setting, make_case):
    case = make_case()
    ofr.request_records(ofr_setting.manager, case, organization_ids=[ofr_setting.hospital.id])
    db.session.commit()
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/requests", data={
        "organization_ids": [str(ofr_setting.police.id)], "other_agency": "Test General Hospital"})
    assert response.status_code == 400
    assert "has already been asked" in response.get_data(as_text=True)
    assert count(RecordsRequest) == 1
    assert db.session.scalar(select(Organization.id).where(
        Organization.name == "Test General Hospital")) == ofr_setting.hospital.id
