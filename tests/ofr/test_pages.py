"""The fatality review screens: 404 on every case route to anyone not seated at the table, 403 on
a manager's routes to seated members, bad input answered at the field with what was typed kept
and nothing saved, case pages never cached."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coalition.core.models import AuditEvent
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.models import FatalityCase, Touchpoint
from tests.conftest import count, error_for


@pytest.fixture
def story(make_case, ofr_setting, today):
    """A case with identifiers, a records request and a touchpoint."""
    case = make_case()
    ofr.save_identity(ofr_setting.manager, case, name="Perpetua Lindqvist",
                      me_case_number="ME-77-1")
    (request,) = ofr.request_records(ofr_setting.manager, case,
                                     organization_ids=[ofr_setting.police.id])
    point = ofr.add_touchpoint(ofr_setting.manager, case, occurred="2020-01",
                               type_id=term_by_code("touchpoint_type", "ed_visit").id)
    db.session.commit()
    return case, request, point


def _routes(setting, case, request, point):
    table, c = setting.table.id, case.id
    return [
        ("get", f"/tables/{table}/cases"), ("get", f"/tables/{table}/cases/new"),
        ("post", f"/tables/{table}/cases/new"), ("get", f"/tables/{table}/cases/quality"),
        ("get", f"/tables/{table}/ofr-settings"), ("post", f"/tables/{table}/ofr-settings"),
        ("get", f"/tables/{table}/deaths/import"),
        ("post", f"/tables/{table}/deaths/import/preview"),
        ("post", f"/tables/{table}/deaths/import/confirm"),
        ("get", f"/cases/{c}"), ("get", f"/cases/{c}/edit"), ("post", f"/cases/{c}/edit"),
        ("get", f"/cases/{c}/identity"), ("post", f"/cases/{c}/identity"),
        ("post", f"/cases/{c}/reveal"), ("post", f"/cases/{c}/status"),
        ("post", f"/cases/{c}/criteria"), ("post", f"/cases/{c}/select"),
        ("post", f"/cases/{c}/requests"), ("post", f"/cases/{c}/requests/{request.id}"),
        ("post", f"/cases/{c}/action-items"), ("get", f"/cases/{c}/timeline"),
        ("post", f"/cases/{c}/touchpoints"), ("get", f"/cases/{c}/touchpoints/{point.id}/edit"),
        ("post", f"/cases/{c}/touchpoints/{point.id}/edit"),
        ("post", f"/cases/{c}/touchpoints/{point.id}/remove"),
    ]


@pytest.mark.parametrize("who", ["leader", "unseated_coordinator", "outsider"])
def test_every_case_route_is_a_404_to_people_not_seated(client, login, ofr_setting, story, who):
    login(getattr(ofr_setting, who))
    for method, url in _routes(ofr_setting, *story):
        response = getattr(client, method)(url, data={})
        assert response.status_code == 404, (method, url)
        assert b"Perpetua" not in response.data and story[0].code.encode() not in response.data
    assert count(FatalityCase) == 1 and count(Touchpoint) == 1


def test_a_seated_member_reads_but_may_not_change(client, login, ofr_setting, story):
    case = story[0]
    login(ofr_setting.police_user)
    reading = {f"/tables/{ofr_setting.table.id}/cases", f"/tables/{ofr_setting.table.id}/cases/"
               "quality", f"/cases/{case.id}", f"/cases/{case.id}/timeline"}
    for method, url in _routes(ofr_setting, *story):
        response = getattr(client, method)(url, data={})
        expected = 200 if (method, url) in {("get", u) for u in reading} else 403
        assert response.status_code == expected, (method, url)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Reveal identifiers" not in page and "Perpetua" not in page


def test_the_index_lists_only_the_tables_the_user_sits_at(client, login, ofr_setting, story):
    login(ofr_setting.leader)
    page = client.get("/ofr").get_data(as_text=True)
    assert ofr_setting.table.name not in page
    client.post("/logout")
    login(ofr_setting.manager)
    response = client.get("/ofr")
    assert response.status_code in (200, 302)
    assert ofr_setting.table.name in client.get("/ofr", follow_redirects=True).get_data(
        as_text=True)


def test_case_pages_are_never_cached_and_reading_is_audited(client, login, ofr_setting, story):
    login(ofr_setting.police_user)
    response = client.get(f"/cases/{story[0].id}")
    assert "no-store" in response.headers["Cache-Control"]
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "view", AuditEvent.object_type == "fatality_cases")).all()


def test_the_reveal_is_a_post_that_shows_and_logs(client, login, ofr_setting, story):
    login(ofr_setting.manager)
    case = story[0]
    assert "Perpetua" not in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert client.get(f"/cases/{case.id}/reveal").status_code == 405
    response = client.post(f"/cases/{case.id}/reveal")
    assert response.status_code == 200 and "Perpetua Lindqvist" in response.get_data(
        as_text=True)
    assert "no-store" in response.headers["Cache-Control"]
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal"))
    assert "Perpetua" not in event.summary


def _case_form(**overrides):
    data = {"date_of_death": "", "age": "", "sex": "unknown", "race": "unknown",
            "ethnicity": "unknown", "county_of_residence": "", "county_of_death": "",
            "place_of_death": "unknown", "manner": "unknown", "naloxone_by": "unknown",
            "recent_release": "unknown"}
    for field in ofr.TRISTATE_FIELDS:
        data[field] = "unknown"
    data.update(overrides)
    return data


def test_a_new_case_with_a_bad_age_keeps_what_was_typed(client, login, ofr_setting):
    login(ofr_setting.manager)
    response = client.post(f"/tables/{ofr_setting.table.id}/cases/new", data=_case_form(
        age="130", county_of_residence="Birchwood County", sex="female"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "from 0 to 120" in error_for(page, "age")
    assert 'value="Birchwood County"' in page and '<option selected value="female">' in page
    assert count(FatalityCase) == 0


def test_a_new_case_with_an_unknown_code_is_refused(client, login, ofr_setting):
    login(ofr_setting.manager)
    response = client.post(f"/tables/{ofr_setting.table.id}/cases/new",
                           data=_case_form(manner="natural-ish"))
    assert response.status_code == 400
    assert "Choose from the list" in error_for(response.get_data(as_text=True), "manner")
    assert count(FatalityCase) == 0


def test_a_new_case_is_recorded_with_its_substances(client, login, ofr_setting, today):
    login(ofr_setting.manager)
    fentanyl = term_by_code("substance", "fentanyl_and_analogs").id
    cocaine = term_by_code("substance", "cocaine").id
    response = client.post(f"/tables/{ofr_setting.table.id}/cases/new", data=_case_form(
        date_of_death=(today - timedelta(days=3)).isoformat(), age="41",
        cause_substance_ids=[str(fentanyl)], present_substance_ids=[str(cocaine)]))
    assert response.status_code == 302
    case = db.session.scalar(select(FatalityCase))
    assert sorted((s.term_id, s.role) for s in case.substances) == sorted(
        [(fentanyl, "cause"), (cocaine, "present")])


def test_a_touchpoint_after_the_death_is_refused_at_the_field(client, login, ofr_setting,
                                                             story):
    case = story[0]
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/touchpoints", data={
        "occurred": (case.date_of_death + timedelta(days=2)).isoformat(),
        "type_id": str(term_by_code("touchpoint_type", "jail_release").id),
        "description": "Released without naloxone"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "after the date of death" in error_for(page, "occurred")
    assert 'value="Released without naloxone"' in page
    assert count(Touchpoint) == 1


def test_a_touchpoint_entered_comes_back_to_the_entry_form(client, login, ofr_setting, story):
    case = story[0]
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/touchpoints", data={
        "occurred": "2021-06", "type_id": str(term_by_code("touchpoint_type", "ed_visit").id),
        "other_agency": ofr_setting.hospital.name, "is_missed_opportunity": "y",
        "gap_type_id": str(term_by_code("gap_type", "screening_not_done").id),
        "rationale": "No screening in the ED."})  # the hospital is not seated: named
    assert response.status_code == 302
    # no fragment: a fragment in the address would cancel the autofocus
    assert response.headers["Location"].endswith(f"/cases/{case.id}/timeline?entry=1")
    page = client.get(f"/cases/{case.id}/timeline?entry=1").get_data(as_text=True)
    assert "autofocus" in page and "Screening not done" in page
    # the previous agency, offered now that it is on the timeline
    assert f'<option selected value="{ofr_setting.hospital.id}">' in page


def test_a_bad_answer_to_a_records_request_stays_in_its_row(client, login, ofr_setting, story,
                                                          today):
    case, request, _ = story
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/requests/{request.id}", data={
        "received_on": (today + timedelta(days=5)).isoformat(), "note": "Sent by courier"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="answer-error-{request.id}"' in page and "future" in page
    assert 'value="Sent by courier"' in page
    assert request.received_on is None


def test_excluding_without_a_reason_is_refused_at_the_field(client, login, ofr_setting, story):
    case = story[0]
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/status", data={"status": "excluded",
                                                             "reason": ""})
    assert response.status_code == 400
    assert "reason" in error_for(response.get_data(as_text=True), "reason")
    assert db.session.get(FatalityCase, case.id).status == "identified"


def test_the_list_refuses_a_bad_month_and_filters_by_a_good_one(client, login, ofr_setting,
                                                               story):
    case = story[0]
    login(ofr_setting.police_user)
    bad = client.get(f"/tables/{ofr_setting.table.id}/cases?month=March")
    assert bad.status_code == 400 and "2026-03" in error_for(bad.get_data(as_text=True),
                                                             "month")
    month = f"{case.date_of_death:%Y-%m}"
    good = client.get(f"/tables/{ofr_setting.table.id}/cases?status=all&month={month}")
    assert good.status_code == 200 and case.code in good.get_data(as_text=True)


def test_settings_refuse_a_bad_number_and_keep_it(client, login, ofr_setting):
    login(ofr_setting.manager)
    response = client.post(f"/tables/{ofr_setting.table.id}/ofr-settings", data={
        "action": "settings", "records_due_days": "400", "completeness_threshold": "70"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "1 to 365" in error_for(page, "records_due_days") and 'value="400"' in page


def test_a_case_action_item_from_the_page(client, login, ofr_setting, story, today):
    case = story[0]
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/action-items", data={
        "title": "Share the discharge policy", "owner_id": str(ofr_setting.ems_user.person_id),
        "due_on": (today + timedelta(days=10)).isoformat()})
    assert response.status_code == 302
    assert "Share the discharge policy" in client.get(f"/cases/{case.id}").get_data(
        as_text=True)


def test_case_pages_issue_the_same_queries_however_much_the_case_holds(
        client, login, ofr_setting, make_case, today):
    """The list, the case and its timeline: a fixed number of queries, with 2 cases or 12, 1
    touchpoint or 11, 1 records request or 4."""
    from tests.conftest import counting_queries

    case = make_case()
    ofr.request_records(ofr_setting.manager, case, organization_ids=[ofr_setting.police.id])
    ofr.add_touchpoint(ofr_setting.manager, case, occurred="2020",
                       organization_id=ofr_setting.hospital.id,
                       type_id=term_by_code("touchpoint_type", "ed_visit").id)
    make_case()
    db.session.commit()
    login(ofr_setting.manager)
    urls = [f"/tables/{ofr_setting.table.id}/cases", f"/tables/{ofr_setting.table.id}/cases/"
            "quality", f"/cases/{case.id}", f"/cases/{case.id}/timeline", "/"]

    def counts():
        result = {}
        for url in urls:
            db.session.expire_all()  # every page starts from the database, as in production
            with counting_queries() as statements:
                assert client.get(url).status_code == 200, url
            result[url] = len(statements)
        return result

    small = counts()
    for _ in range(10):
        make_case()
        ofr.add_touchpoint(ofr_setting.manager, case, occurred="2021-05",
                           organization_id=ofr_setting.ems.id,
                           type_id=term_by_code("touchpoint_type", "ems_response_overdose").id)
    ofr.request_records(ofr_setting.manager, case, organization_ids=[
        ofr_setting.ems.id, ofr_setting.hospital.id, ofr_setting.treatment.id])
    db.session.commit()
    large = counts()
    assert large == small
    assert max(large.values()) <= 15, large


def test_editing_facts_from_a_stale_page_is_a_conflict_that_keeps_both(client, login,
                                                                     ofr_setting, story):
    case = story[0]
    login(ofr_setting.manager)
    page = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'value="34"' in page  # the saved age
    stale = str(case.version_id)
    saved = _case_form(age="35", date_of_death=case.date_of_death.isoformat(),
                       version_id=stale)
    assert client.post(f"/cases/{case.id}/edit", data=saved).status_code == 302
    mine = _case_form(age="36", date_of_death=case.date_of_death.isoformat(), version_id=stale)
    response = client.post(f"/cases/{case.id}/edit", data=mine)
    assert response.status_code == 409
    assert "Someone else saved a change to this case" in response.get_data(as_text=True)
    assert db.session.get(FatalityCase, case.id).age == 35


def test_correcting_identifiers_starts_from_what_is_stored_and_logs_it(client, login,
                                                                       ofr_setting, story):
    case = story[0]
    login(ofr_setting.manager)
    page = client.get(f"/cases/{case.id}/identity").get_data(as_text=True)
    assert 'value="Perpetua Lindqvist"' in page and 'value="ME-77-1"' in page
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")).all()
    response = client.post(f"/cases/{case.id}/identity", data={
        "name": "Perpetua Lindqvist", "me_case_number": "ME-77-1", "address": "4 Elm St"})
    assert response.status_code == 302
    assert ofr.decrypted_identity(case)["address"] == "4 Elm St"
    assert ofr.decrypted_identity(case)["name"] == "Perpetua Lindqvist"


def test_records_are_requested_through_the_form(client, login, ofr_setting, make_case):
    """The agencies come back from the checkboxes as record ids."""
    case = make_case()
    login(ofr_setting.manager)
    response = client.post(f"/cases/{case.id}/requests", data={
        "organization_ids": [str(ofr_setting.police.id), str(ofr_setting.ems.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert sorted(r.organization_id for r in db.session.get(FatalityCase, case.id).requests) \
        == sorted([ofr_setting.police.id, ofr_setting.ems.id])
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Records requested from 2 agencies." in page


def test_the_case_page_counts_the_timeline_and_logs_one_read(client, login, ofr_setting, story):
    """The timeline button counts the touchpoints (without loading them); each showing of the
    case writes exactly one audit row."""
    case = story[0]
    login(ofr_setting.police_user)

    def reads():
        return len(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.object_type == "fatality_cases",
            AuditEvent.object_id == case.id)).all())

    before = reads()
    assert "Timeline (1 touchpoint)" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert reads() == before + 1
    ofr.add_touchpoint(ofr_setting.manager, case, occurred="2020-03",
                       type_id=term_by_code("touchpoint_type", "ed_visit").id)
    db.session.commit()
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Timeline (2 touchpoints)" in page
    assert reads() == before + 2
    expected = len(db.session.scalars(select(Touchpoint).where(
        Touchpoint.case_id == case.id)).all())
    assert ofr.touchpoint_count(case) == expected == 2
