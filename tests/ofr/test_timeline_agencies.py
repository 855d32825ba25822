"""The timeline's entry form offers the agencies seated at the case's table and those already on
its timeline (no list of the county's 150 agencies on every showing); any other agency is named in
"Another agency" (inactive ones too: a touchpoint may be years old). The next entry's defaults
come from the timeline the page has loaded, the same as reading the last touchpoint again."""

from __future__ import annotations

import re

import pytest

from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.models import Touchpoint
from tests.conftest import audit_rows, count, error_for


def _type(code="ed_visit"):
    return term_by_code("touchpoint_type", code).id


def _add(setting, case, **fields):
    values = {"occurred": "2020", "type_id": _type()}
    values.update(fields)
    point = ofr.add_touchpoint(setting.manager, case, **values)
    db.session.commit()
    return point


def _agency_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*id="organization_id".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_defaults_from_the_loaded_timeline_are_the_last_touchpoints(make_case, ofr_setting):
    case = make_case()
    assert ofr.entry_defaults(case, ofr.timeline(case)) == ofr.entry_defaults(case) == {}
    stage = term_by_code("stage", "treatment_retention").id
    entries = [  # added in this order; the timeline sorts them by date
        {"occurred": "2021-03", "organization_id": ofr_setting.treatment.id, "stage_id": stage},
        {"occurred": "2019-07-04", "organization_id": ofr_setting.police.id},
        {"occurred": "2018"},
        {"occurred": "2020-11-30", "organization_id": ofr_setting.ems.id, "stage_id": stage},
        {"occurred": "2017-02", "organization_id": ofr_setting.hospital.id},
    ]
    for entry in entries:
        _add(ofr_setting, case, **entry)
        rows = ofr.timeline(case)
        assert ofr.entry_defaults(case, rows) == ofr.entry_defaults(case)


def test_the_form_offers_the_seated_agencies_and_those_on_the_timeline(
        client, login, ofr_setting, make_case, make_org):
    case = make_case()
    closed = make_org("Closed Walk-in Clinic", is_active=False)
    _add(ofr_setting, case, organization_id=closed.id)
    _add(ofr_setting, case, organization_id=ofr_setting.hospital.id)
    login(ofr_setting.manager)
    page = client.get(f"/cases/{case.id}/timeline?entry=1").get_data(as_text=True)
    expected = sorted([ofr_setting.health.name, ofr_setting.police.name, ofr_setting.ems.name,
                       closed.name, ofr_setting.hospital.name], key=str.casefold)
    assert _agency_options(page) == ["Not recorded", *expected]
    assert ofr_setting.treatment.name not in page  # neither seated nor on the timeline
    assert re.search(rf'<option selected value="{ofr_setting.hospital.id}">', page)  # the last
    assert 'id="other_agency"' in page
    assert ofr.timeline_agencies(ofr.table_seats(case.table).agencies, ofr.timeline(case)) == \
        sorted({(o.id, o.name) for o in (ofr_setting.health, ofr_setting.police, ofr_setting.ems,
                                         closed, ofr_setting.hospital)},
               key=lambda pair: (pair[1].casefold(), pair[0]))


@pytest.mark.parametrize("name", ["test recovery center", "CLOSED WALK-IN CLINIC"])
def test_another_agency_is_named(client, login, ofr_setting, make_case, make_org, name):
    closed = make_org("Closed Walk-in Clinic", is_active=False)
    case = make_case()
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/touchpoints", data={
        "occurred": "2020-04", "type_id": str(_type()),
        "organization_id": str(ofr_setting.police.id), "other_agency": name})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    point = db.session.query(Touchpoint).one()
    expected = closed if name.startswith("CLOSED") else ofr_setting.treatment
    assert point.organization_id == expected.id  # the name typed, over the list's choice
    assert point.sector_id == expected.sector_id


def test_a_name_no_agency_has_is_refused_and_nothing_is_saved(client, login, ofr_setting,
                                                              make_case):
    case = make_case()
    login(ofr_setting.manager)
    before = len(audit_rows())
    response = client.post(f"/cases/{case.id}/touchpoints", data={
        "occurred": "2020-04", "type_id": str(_type()), "other_agency": "Recovery"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_for(page, "other_agency") == \
        "No agency of the roster has this name. Did you mean: Test Recovery Center?"
    assert 'value="Recovery"' in page
    assert count(Touchpoint) == 0 and len(audit_rows()) == before


def test_an_agency_not_offered_cannot_be_chosen_from_the_list(client, login, ofr_setting,
                                                             make_case):
    case = make_case()
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/touchpoints", data={
        "occurred": "2020-04", "type_id": str(_type()),
        "organization_id": str(ofr_setting.treatment.id)})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "organization_id") == \
        "Choose an agency from the list."
    assert count(Touchpoint) == 0


def test_the_edit_form_offers_the_touchpoints_own_agency(client, login, ofr_setting, make_case):
    case = make_case()
    point = _add(ofr_setting, case, organization_id=ofr_setting.treatment.id)
    login(ofr_setting.manager)
    page = client.get(f"/cases/{case.id}/touchpoints/{point.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{ofr_setting.treatment.id}">', page)
    response = client.post(f"/cases/{case.id}/touchpoints/{point.id}/edit", data={
        "occurred": "2020", "type_id": str(_type()), "other_agency": ofr_setting.hospital.name})
    assert response.status_code == 302
    assert db.session.get(Touchpoint, point.id).organization_id == ofr_setting.hospital.id


def test_the_entry_form_is_shown_to_the_recorder_entering_only(client, login, ofr_setting,
                                                               make_case):
    case = make_case()
    login(ofr_setting.manager)
    reading = client.get(f"/cases/{case.id}/timeline").get_data(as_text=True)
    assert 'id="add-touchpoint"' not in reading
    assert f'href="/cases/{case.id}/timeline?entry=1">Add touchpoints</a>' in reading
    entering = client.get(f"/cases/{case.id}/timeline?entry=1").get_data(as_text=True)
    assert 'id="add-touchpoint"' in entering and ">Add touchpoints</a>" not in entering
