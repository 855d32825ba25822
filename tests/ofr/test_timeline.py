"""The timeline: touchpoints dated exactly, by month or by year, never after the death, in date
order with the months before death; missed opportunities with a gap type and a rationale; the
drawn SVG; defaults for the next entry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coalition.core.errors import ServiceError
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.models import Touchpoint
from coalition.ofr.services.timeline import parse_when
from coalition.ofr.timeline_svg import MISSED, timeline_svg
from tests.conftest import audit_rows, count


def _type(code="ed_visit"):
    return term_by_code("touchpoint_type", code).id


def _add(setting, case, **fields):
    values = {"occurred": "", "type_id": _type(), "organization_id": setting.hospital.id,
              "description": "Seen and released."}
    values.update(fields)
    point = ofr.add_touchpoint(setting.manager, case, **values)
    db.session.commit()
    return point


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-14", (date(2025, 3, 14), "day")), ("2025-3", (date(2025, 3, 1), "month")),
    ("2025", (date(2025, 1, 1), "year")), (" 2025-03 ", (date(2025, 3, 1), "month"))])
def test_a_date_may_be_exact_a_month_or_a_year(text, expected):
    assert parse_when(text) == expected


@pytest.mark.parametrize("text", ["", "03/14/2025", "2025-02-30", "2025-13", "yesterday", "25"])
def test_other_dates_are_refused_at_the_field(text):
    with pytest.raises(ServiceError) as refused:
        parse_when(text)
    assert refused.value.field == "occurred"


def test_a_touchpoint_after_the_death_is_refused_and_nothing_is_saved(make_case, ofr_setting):
    case = make_case()
    after = (case.date_of_death + timedelta(days=1)).isoformat()
    with pytest.raises(ServiceError) as refused:
        ofr.add_touchpoint(ofr_setting.manager, case, occurred=after, type_id=_type())
    assert refused.value.field == "occurred" and "after the date of death" in str(refused.value)
    db.session.rollback()
    assert count(Touchpoint) == 0


def test_the_month_of_death_itself_is_accepted(make_case, ofr_setting):
    case = make_case()
    point = _add(ofr_setting, case, occurred=f"{case.date_of_death:%Y-%m}")
    assert point.precision == "month"


def test_moving_the_death_before_a_touchpoint_is_refused(make_case, ofr_setting, case_values):
    case = make_case()
    _add(ofr_setting, case, occurred=(case.date_of_death - timedelta(days=5)).isoformat())
    with pytest.raises(ServiceError) as refused:
        ofr.update_case(ofr_setting.manager, case, version_id=case.version_id, **case_values(
            date_of_death=case.date_of_death - timedelta(days=30)))
    assert refused.value.field == "date_of_death"


@pytest.mark.parametrize(("field", "value"), [
    ("type_id", ""), ("type_id", "999999"), ("stage_id", "999999"), ("organization_id", "999999")])
def test_a_missing_kind_and_unknown_vocabulary_are_refused(make_case, ofr_setting, field, value):
    case = make_case()
    with pytest.raises(ServiceError) as refused:
        ofr.add_touchpoint(ofr_setting.manager, case, occurred="2020", **{
            "type_id": _type(), field: value})
    assert refused.value.field == field


def test_a_sector_term_is_not_a_touchpoint_type(make_case, ofr_setting):
    case = make_case()
    with pytest.raises(ServiceError) as refused:
        ofr.add_touchpoint(ofr_setting.manager, case, occurred="2020",
                           type_id=term_by_code("sector", "fire_ems").id)
    assert refused.value.field == "type_id"


def test_a_missed_opportunity_needs_its_gap_type_and_rationale(make_case, ofr_setting):
    case = make_case()
    with pytest.raises(ServiceError) as refused:
        ofr.add_touchpoint(ofr_setting.manager, case, occurred="2020", type_id=_type(),
                           is_missed_opportunity=True, rationale="No hand-off")
    assert refused.value.field == "gap_type_id"
    with pytest.raises(ServiceError) as refused:
        ofr.add_touchpoint(ofr_setting.manager, case, occurred="2020", type_id=_type(),
                           is_missed_opportunity=True,
                           gap_type_id=term_by_code("gap_type", "no_warm_hand_off").id)
    assert refused.value.field == "rationale"


def test_a_gap_type_is_dropped_when_the_touchpoint_is_not_missed(make_case, ofr_setting):
    case = make_case()
    point = _add(ofr_setting, case, occurred="2020",
                 gap_type_id=term_by_code("gap_type", "no_warm_hand_off").id, rationale="x")
    assert point.gap_type_id is None and point.rationale == ""


def test_the_sector_defaults_to_the_agency_sector(make_case, ofr_setting):
    case = make_case()
    point = _add(ofr_setting, case, occurred="2020", organization_id=ofr_setting.ems.id)
    assert point.sector_id == ofr_setting.ems.sector_id


def test_the_timeline_is_in_date_order_with_months_before_death(make_case, ofr_setting):
    case = make_case(date_of_death=date(2025, 12, 31))
    _add(ofr_setting, case, occurred="2025-06")
    _add(ofr_setting, case, occurred="2025-12-01", is_missed_opportunity=True,
         gap_type_id=term_by_code("gap_type", "no_warm_hand_off").id,
         rationale="Released without a referral.")
    _add(ofr_setting, case, occurred="2024")
    rows = ofr.timeline(case)
    assert [row.when for row in rows] == ["2024", "Jun 2025", "2025-12-01"]
    # a year and a month are placed at their middle (and marked approximate)
    assert [row.months_before for row in rows] == [18.0, 6.5, 1.0]
    assert [row.approximate for row in rows] == [True, True, False]
    assert [row.missed for row in rows] == [False, False, True]
    assert rows[2].gap_type == "No warm hand-off"


def test_the_drawing_marks_every_touchpoint_and_each_missed_opportunity(make_case, ofr_setting):
    case = make_case(date_of_death=date(2025, 12, 31))
    for month in (3, 6, 9):
        _add(ofr_setting, case, occurred=f"2025-{month:02d}-10",
             stage_id=term_by_code("stage", "harm_reduction").id)
    _add(ofr_setting, case, occurred="2025-11-10", is_missed_opportunity=True,
         gap_type_id=term_by_code("gap_type", "referral_not_made").id, rationale="None made.")
    rows = ofr.timeline(case)
    svg = str(timeline_svg(rows, code=case.code, death="2025-12-31"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert svg.count("<title>") >= len(rows)
    assert svg.count(f'stroke="{MISSED}"') == 1  # the one missed opportunity is ringed
    assert "<script" not in svg


def test_text_in_the_drawing_is_escaped(make_case, ofr_setting):
    case = make_case(date_of_death=date(2025, 12, 31))
    _add(ofr_setting, case, occurred="2025-05-01", description="<script>alert(1)</script>")
    svg = str(timeline_svg(ofr.timeline(case), code=case.code, death="2025-12-31"))
    assert "<script>" not in svg


def test_the_next_entry_starts_from_the_previous_one(make_case, ofr_setting):
    case = make_case()
    stage = term_by_code("stage", "treatment_retention").id
    _add(ofr_setting, case, occurred="2020-05", organization_id=ofr_setting.treatment.id,
         stage_id=stage)
    defaults = ofr.entry_defaults(case)
    assert defaults == {"occurred": "2020-05", "organization_id": ofr_setting.treatment.id,
                        "stage_id": stage}
    assert parse_when(defaults["occurred"]) == (date(2020, 5, 1), "month")


def test_a_vague_date_sorts_by_its_middle(make_case, ofr_setting):
    case = make_case(date_of_death=date(2025, 12, 31))
    _add(ofr_setting, case, occurred="2025-02-10")
    _add(ofr_setting, case, occurred="2025")  # the middle of 2025: after February
    assert [row.when for row in ofr.timeline(case)] == ["2025-02-10", "2025"]


def test_the_sector_follows_the_next_agency_not_the_previous_one(make_case, ofr_setting):
    """The entry form carries the agency over, never its sector: a new agency brings its own."""
    case = make_case()
    _add(ofr_setting, case, occurred="2020", organization_id=ofr_setting.police.id,
         **{key: value for key, value in ofr.entry_defaults(case).items() if key != "occurred"})
    second = _add(ofr_setting, case, **dict(
        ofr.entry_defaults(case), occurred="2021", organization_id=ofr_setting.ems.id))
    assert second.sector_id == ofr_setting.ems.sector_id != ofr_setting.police.sector_id


def test_changes_are_audited_with_the_case_table_and_no_description(make_case, ofr_setting):
    case = make_case()
    point = _add(ofr_setting, case, occurred="2020", description="Met at the Elm St shelter")
    ofr.update_touchpoint(ofr_setting.manager, point, occurred="2021", type_id=_type(),
                          description="Met at the shelter")
    ofr.remove_touchpoint(ofr_setting.manager, point)
    db.session.commit()
    rows = audit_rows(object_type="touchpoints")
    assert [row.action for row in rows] == ["create", "update", "remove"]
    assert {row.case_table_id for row in rows} == {ofr_setting.table.id}
    assert not any("Elm" in row.summary or "shelter" in row.summary for row in rows)


def test_the_timeline_shows_the_terms_labels_as_they_are_now(make_case, ofr_setting):
    """The labels are kept across requests: a renamed or retired term shows as it is now."""
    case = make_case(date_of_death=date(2025, 12, 31))
    gap_type = term_by_code("gap_type", "no_warm_hand_off")
    _add(ofr_setting, case, occurred="2025-12-01", is_missed_opportunity=True,
         gap_type_id=gap_type.id, rationale="Released without a referral.")
    row = ofr.timeline(case)[0]
    assert row.gap_type == "No warm hand-off"
    kind = db.session.get(type(gap_type), _type())
    gap_type.label, kind.label, kind.is_active = "No hand-off", "Emergency visit", False
    db.session.commit()
    row = ofr.timeline(case)[0]
    assert (row.gap_type, row.type) == ("No hand-off", "Emergency visit")
