"""Deaths and cases: facts that accept "unknown", their rules, the code, the workflow, the
selection checklist, records requests and the completeness score."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coalition.core.errors import ServiceError
from coalition.core.models import AuditEvent
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.models import FatalityCase
from tests.conftest import audit_rows, count


def test_a_death_with_nothing_known_is_recorded_as_unknown(ofr_setting):
    case = ofr.create_case(ofr_setting.manager, ofr_setting.table)
    db.session.commit()
    assert case.status == "identified"
    assert (case.sex, case.manner, case.veteran, case.naloxone_administered) == (
        "unknown", "unknown", "unknown", "unknown")
    assert case.date_of_death is None and case.age is None
    assert ofr.completeness(case)["known"] == 0


def test_codes_follow_the_year_of_death_and_never_repeat(make_case, today):
    first = make_case(date_of_death=today.replace(month=1, day=2))
    second = make_case(date_of_death=today.replace(month=1, day=3))
    older = make_case(date_of_death=today.replace(year=today.year - 1, month=6, day=1))
    assert first.code == f"OFR-{today.year}-0001"
    assert second.code == f"OFR-{today.year}-0002"
    assert older.code == f"OFR-{today.year - 1}-0001"


def test_a_reused_case_code_is_refused_by_the_database(make_case):
    from sqlalchemy.exc import IntegrityError

    case = make_case()
    db.session.add(FatalityCase(table=case.table, code=case.code))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("age", [-1, 121, 500])
def test_ages_outside_0_to_120_are_refused_at_the_field(make_case, age):
    with pytest.raises(ServiceError) as refused:
        make_case(age=age)
    assert refused.value.field == "age"
    db.session.rollback()
    assert count(FatalityCase) == 0


@pytest.mark.parametrize(("field", "value"), [
    ("sex", "robot"), ("race", "martian"), ("manner", "natural-ish"), ("veteran", "maybe"),
    ("place_of_death", "moon"), ("recent_release", "spa")])
def test_unknown_vocabulary_values_are_refused(make_case, field, value):
    with pytest.raises(ServiceError) as refused:
        make_case(**{field: value})
    assert refused.value.field == field


def test_a_substance_outside_the_vocabulary_is_refused(make_case):
    sector = term_by_code("sector", "fire_ems")
    with pytest.raises(ServiceError) as refused:
        make_case(substances=[(sector.id, "cause")])
    assert refused.value.field == "substances"


def test_a_substance_marked_cause_and_present_is_a_cause_once(make_case):
    fentanyl = term_by_code("substance", "fentanyl_and_analogs").id
    case = make_case(substances=[(fentanyl, "present"), (fentanyl, "cause")])
    assert [(s.term_id, s.role) for s in case.substances] == [(fentanyl, "cause")]


def test_dates_after_the_death_and_in_the_future_are_refused(make_case, today):
    with pytest.raises(ServiceError) as refused:
        make_case(date_of_death=today - timedelta(days=10),
                  released_on=today - timedelta(days=2), recent_release="jail")
    assert refused.value.field == "released_on"
    with pytest.raises(ServiceError) as refused:
        make_case(date_of_death=today + timedelta(days=1))
    assert refused.value.field == "date_of_death"


def test_contradicting_circumstances_are_refused(make_case):
    with pytest.raises(ServiceError) as refused:
        make_case(naloxone_administered="no", naloxone_doses=2)
    assert refused.value.field == "naloxone_doses"
    with pytest.raises(ServiceError) as refused:
        make_case(moud_at_death="yes", moud_ever="no")
    assert refused.value.field == "moud_ever"


def test_upper_case_counties_are_written_as_names(make_case):
    case = make_case(county_of_residence="ALDER COUNTY", county_of_death="  alder   county ")
    assert (case.county_of_residence, case.county_of_death) == ("Alder County", "Alder County")


def test_an_update_from_a_stale_version_is_a_conflict(make_case, ofr_setting, case_values):
    from coalition.core.concurrency import EditConflict

    case = make_case()
    version = case.version_id
    ofr.update_case(ofr_setting.manager, case, version_id=version, **case_values(age=35))
    db.session.commit()
    with pytest.raises(EditConflict):
        ofr.update_case(ofr_setting.manager, case, version_id=version, **case_values(age=36))


def test_an_update_names_the_changed_fields_never_their_values(make_case, ofr_setting,
                                                                case_values):
    case = make_case()
    ofr.update_case(ofr_setting.manager, case, version_id=case.version_id,
                    **case_values(age=52, county_of_residence="Secretcounty"))
    db.session.commit()
    summary = audit_rows("update", "fatality_cases")[-1].summary
    assert "age" in summary and "county_of_residence" in summary
    assert "52" not in summary and "Secretcounty" not in summary


# --- the workflow -------------------------------------------------------------------------

def test_the_workflow_moves_only_along_its_transitions(make_case, ofr_setting):
    case = make_case()
    ofr.set_status(ofr_setting.manager, case, "eligible")
    with pytest.raises(ServiceError) as refused:
        ofr.set_status(ofr_setting.manager, case, "closed")
    assert refused.value.field == "status"
    assert case.status == "eligible"


def test_excluding_needs_a_reason_and_records_it(make_case, ofr_setting):
    case = make_case()
    with pytest.raises(ServiceError) as refused:
        ofr.set_status(ofr_setting.manager, case, "excluded", reason="  ")
    assert refused.value.field == "reason"
    ofr.set_status(ofr_setting.manager, case, "excluded", reason="Open prosecution")
    db.session.commit()
    assert (case.status, case.exclusion_reason) == ("excluded", "Open prosecution")
    ofr.set_status(ofr_setting.manager, case, "identified")
    assert case.exclusion_reason == ""


def test_excluding_a_selected_case_takes_it_off_the_agenda(make_case, ofr_setting,
                                                           review_meeting):
    from coalition.meetings import services as meetings
    from coalition.meetings.models import AgendaItem

    meetings.build_agenda(None, review_meeting)
    case = make_case()
    ofr.select_for_meeting(ofr_setting.manager, case, review_meeting)
    db.session.commit()
    assert db.session.scalar(select(AgendaItem.id).where(
        AgendaItem.fatality_case_id == case.id)) is not None
    ofr.set_status(ofr_setting.manager, case, "excluded", reason="Out of jurisdiction")
    db.session.commit()
    assert case.selected_meeting_id is None
    assert db.session.scalar(select(AgendaItem.id).where(
        AgendaItem.fatality_case_id == case.id)) is None


# --- the selection checklist ----------------------------------------------------------------

def test_the_checklist_starts_from_the_common_criteria_and_records_answers(make_case,
                                                                           ofr_setting):
    case = make_case()
    criteria = ofr.criteria_of(ofr_setting.table)
    assert len(criteria) == 5
    changed = ofr.record_criteria(ofr_setting.manager, case,
                                  {criteria[0].id: "met", criteria[3].id: "not_met"})
    db.session.commit()
    assert changed == 2
    assert {row.criterion_id: row.result for row in case.criteria} == {
        criteria[0].id: "met", criteria[3].id: "not_met"}


def test_criteria_of_another_table_and_bad_answers_are_refused(make_case, ofr_setting,
                                                               make_table):
    case = make_case()
    other = make_table("ofr")
    foreign = ofr.ensure_criteria(other)[0]
    own = ofr.criteria_of(ofr_setting.table)[0]
    with pytest.raises(ServiceError):
        ofr.record_criteria(ofr_setting.manager, case, {foreign.id: "met"})
    with pytest.raises(ServiceError):
        ofr.record_criteria(ofr_setting.manager, case, {own.id: "perhaps"})


def test_a_retired_criterion_keeps_what_cases_recorded(make_case, ofr_setting):
    case = make_case()
    criterion = ofr.criteria_of(ofr_setting.table)[0]
    ofr.record_criteria(ofr_setting.manager, case, {criterion.id: "met"})
    ofr.retire_criterion(ofr_setting.manager, criterion)
    db.session.commit()
    assert criterion not in ofr.criteria_of(ofr_setting.table)
    assert case.criteria[0].result == "met"


def test_the_list_filters_by_status_month_and_criterion(make_case, ofr_setting, today):
    march = make_case(date_of_death=today.replace(month=3, day=5)
                      if today.month > 3 else today.replace(year=today.year - 1, month=3, day=5))
    other = make_case(date_of_death=march.date_of_death.replace(day=28) + timedelta(days=10))
    criterion = ofr.criteria_of(ofr_setting.table)[0]
    ofr.record_criteria(ofr_setting.manager, march, {criterion.id: "met"})
    ofr.record_criteria(ofr_setting.manager, other, {criterion.id: "not_met"})
    ofr.set_status(ofr_setting.manager, other, "excluded", reason="Out of jurisdiction")
    db.session.commit()

    def codes(**filters):
        return {c.code for c in db.session.scalars(ofr.case_query(ofr_setting.table, **filters))}

    assert codes(status="open") == {march.code}
    assert codes(status="all") == {march.code, other.code}
    assert codes(status="excluded") == {other.code}
    assert codes(status="all", month=march.date_of_death.replace(day=1)) == {march.code}
    assert codes(status="all", criterion_id=criterion.id, result="not_met") == {other.code}


# --- records requests ------------------------------------------------------------------------

def test_records_requests_default_their_due_date_and_move_a_selected_case_on(
        make_case, ofr_setting, review_meeting, today):
    case = make_case()
    ofr.select_for_meeting(ofr_setting.manager, case, review_meeting)
    ofr.update_settings(ofr_setting.manager, ofr_setting.table, records_due_days=21,
                        completeness_threshold=70)
    created = ofr.request_records(ofr_setting.manager, case, organization_ids=[
        ofr_setting.police.id, ofr_setting.ems.id, ofr_setting.hospital.id,
        ofr_setting.treatment.id])
    db.session.commit()
    assert len(created) == 4 and case.status == "records_requested"
    assert {r.due_on for r in created} == {today + timedelta(days=21)}
    with pytest.raises(ServiceError) as refused:
        ofr.request_records(ofr_setting.manager, case, organization_ids=[ofr_setting.police.id])
    assert refused.value.field == "organization_ids"


def test_overdue_requests_are_the_unanswered_ones_past_due(make_case, ofr_setting, today):
    case = make_case()
    late, answered, waiting = ofr.request_records(
        ofr_setting.manager, case, requested_on=today - timedelta(days=40),
        organization_ids=[ofr_setting.police.id, ofr_setting.ems.id, ofr_setting.hospital.id])
    ofr.answer_request(ofr_setting.manager, answered, nothing_found=True)
    waiting.due_on = today + timedelta(days=3)
    db.session.commit()
    assert ofr.overdue_requests([ofr_setting.table.id], today) == [late]
    assert late.is_overdue(today) and not answered.is_overdue(today)


@pytest.mark.parametrize("days", [1, -31])
def test_an_answer_dated_in_the_future_or_before_the_request_is_refused(make_case, ofr_setting,
                                                                       today, days):
    case = make_case()
    (request,) = ofr.request_records(ofr_setting.manager, case,
                                     requested_on=today - timedelta(days=30),
                                     organization_ids=[ofr_setting.police.id])
    with pytest.raises(ServiceError) as refused:
        ofr.answer_request(ofr_setting.manager, request, received_on=today + timedelta(days=days))
    assert refused.value.field == "received_on"


# --- completeness -----------------------------------------------------------------------------

def test_completeness_counts_the_known_core_facts(make_case):
    case = make_case()
    score = ofr.completeness(case)
    # date, age, sex, race, ethnicity, two counties, place, manner, naloxone + substances
    assert (score["known"], score["total"]) == (11, 20)
    assert score["percent"] == 55
    assert "veteran" in score["missing"] and "substances" not in score["missing"]


def test_the_quality_list_holds_the_cases_below_the_threshold(make_case, ofr_setting):
    sparse = ofr.create_case(ofr_setting.manager, ofr_setting.table)
    full = make_case(bystander_present="no", prior_overdoses=1, recent_release="none",
                     housing_instability="no", moud_ever="no", moud_at_death="no",
                     mental_health_diagnosis="yes", chronic_pain="no", veteran="no")
    db.session.commit()
    assert ofr.completeness(full)["percent"] == 100
    rows = db.session.execute(ofr.quality_query(ofr_setting.table, 70)).all()
    assert [row[0].code for row in rows] == [sparse.code]


def test_opening_a_case_is_audited_as_a_read_of_case_data(make_case, ofr_setting):
    case = make_case()
    ofr.log_case_read(ofr_setting.police_user, case)
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).one()
    assert (event.object_id, event.case_table_id) == (case.id, ofr_setting.table.id)


def test_a_code_taken_meanwhile_is_skipped(make_case, monkeypatch, today):
    from coalition.core import codes

    taken = make_case(date_of_death=today.replace(month=1, day=2))
    proposals = iter([0, 1])  # the first read misses the code a concurrent insert took
    monkeypatch.setattr(codes, "latest_number", lambda column, prefix: next(proposals))
    case = make_case(date_of_death=today.replace(month=1, day=3))
    assert (taken.code, case.code) == (f"OFR-{today.year}-0001", f"OFR-{today.year}-0002")


@pytest.mark.parametrize("overrides", [
    {}, {"age": None, "sex": "unknown", "substances": []},
    {"date_of_death": None, "county_of_residence": "", "prior_overdoses": 0, "veteran": "no"},
])
def test_the_sql_completeness_matches_the_case_page(make_case, overrides):
    from coalition.ofr.services.listing import known_count

    case = make_case(**overrides)
    counted = db.session.scalar(select(known_count()).where(FatalityCase.id == case.id))
    assert counted == ofr.completeness(case)["known"]


def test_a_table_holding_deaths_keeps_its_kind(ofr_setting, make_case):
    from coalition.roster.services import tables

    table = ofr_setting.table
    make_case()
    with pytest.raises(ServiceError) as refused:
        tables.update_table(ofr_setting.manager, table, version_id=table.version_id,
                            name=table.name, kind="coalition", description=table.description,
                            cadence_days=table.cadence_days, is_active=True)
    assert refused.value.field == "kind"
    assert str(refused.value).startswith("This table holds deaths, so its kind cannot change.")
    db.session.rollback()
    assert db.session.get(type(table), table.id).kind == "ofr"
