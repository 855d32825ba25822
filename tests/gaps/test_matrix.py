"""The stage × sector gap matrix: counts of missed opportunities per cell and in total over a
period of deaths (excluded cases never), one query for the counts whatever the data, the drawn
heat map (escaped, a number in each cell with a count, readable text), the page and its table,
and a cell's gaps and cases — case codes only for the people seated at the case's team."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from coalition.core.errors import ServiceError
from coalition.core.fields import DATE_MESSAGE
from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.gaps import matrix_svg as drawing
from coalition.gaps.services.matrix import (
    ANY,
    NO_SECTOR,
    NO_STAGE,
    PERIOD_MESSAGE,
    Axis,
    Matrix,
    case_rows,
    cell_cases,
    cell_gaps,
    matrix,
)
from coalition.gaps.services.register import create_gap, link_missed, merge_gaps
from coalition.ofr import services as ofr
from tests.conftest import counting_queries, error_for


def _stage(code: str) -> int:
    return term_by_code("stage", code).id


def _sector(code: str) -> int:
    return term_by_code("sector", code).id


HARM = "harm_reduction"
CRISIS = "crisis_and_overdose_response"
POLICE = "law_enforcement"
HOSPITAL = "emergency_department_hospital"


@pytest.fixture
def setting(make_table, make_org, make_person, make_user, seat):
    table = make_table("ofr", name="Matrix Fatality Review")
    health = make_org("Matrix County Health", sector="public_health")
    police = make_org("Matrix City Police", sector=POLICE)
    hospital = make_org("Matrix General Hospital", sector=HOSPITAL)

    def seated(org, role, site_role):
        person = make_person(organizations=[org])
        seat(person, table, org, role=role)
        return make_user(site_role, person=person)

    return SimpleNamespace(
        table=table, health=health, police=police, hospital=hospital,
        manager=seated(health, "manager", "coordinator"),
        member=seated(police, "member", "member"),
        leader=make_user("leader", person=make_person("Unseated Chair")))


@pytest.fixture
def death(setting, today):
    """A case of the setting's team (or ``table``), dead ``days`` ago (None: date unknown)."""
    def factory(days: int | None = 40, table=None):
        case = ofr.create_case(setting.manager, table or setting.table,
                               date_of_death=None if days is None else today - timedelta(days))
        db.session.commit()
        return case
    return factory


@pytest.fixture
def missed(setting, today):
    """A missed opportunity on ``case``'s timeline at ``stage`` with ``org`` (its sector)."""
    def factory(case, stage: str | None, org=None, *, is_missed: bool = True):
        when = (case.date_of_death or today) - timedelta(days=10)
        point = ofr.add_touchpoint(
            setting.manager, case, occurred=when.isoformat(),
            type_id=term_by_code("touchpoint_type", "ed_visit").id,
            organization_id=org.id if org else None,
            stage_id=_stage(stage) if stage else None, is_missed_opportunity=is_missed,
            gap_type_id=term_by_code("gap_type", "no_warm_hand_off").id if is_missed else None,
            rationale="No referral at discharge." if is_missed else "")
        db.session.commit()
        return point
    return factory


@pytest.fixture
def grow(setting, death, missed):
    """Twenty more cases with three missed opportunities each."""
    def factory():
        for days in range(40, 200, 8):
            case = death(days)
            for stage, org in ((HARM, setting.police), (CRISIS, setting.hospital), (None, None)):
                missed(case, stage, org)
    return factory


@pytest.fixture
def cell_data(setting, death, missed):
    """Two cases: harm reduction × police 3, crisis × hospital 1, no stage × police 1,
    crisis × no sector 1 (and a touchpoint that is not a missed opportunity)."""
    first, second = death(40), death(100)
    for _ in range(2):
        missed(first, HARM, setting.police)
    missed(first, CRISIS, setting.hospital)
    missed(first, None, setting.police)
    missed(first, HARM, setting.police, is_missed=False)
    missed(second, HARM, setting.police)
    missed(second, CRISIS, None)
    return SimpleNamespace(first=first, second=second)


def test_each_cell_row_and_column_counts_the_missed_opportunities(cell_data):
    counted = matrix()
    harm, crisis, police, hospital = _stage(HARM), _stage(CRISIS), _sector(POLICE), _sector(
        HOSPITAL)
    assert counted.counts == {(harm, police): 3, (crisis, hospital): 1, (None, police): 1,
                              (crisis, None): 1}
    assert counted.row_totals == {harm: 3, crisis: 2, None: 1}
    assert counted.column_totals == {police: 4, hospital: 1, None: 1}
    assert (counted.total, counted.max) == (6, 3)
    assert counted.count(harm, hospital) == 0
    # rows: every stage in order; columns: only the sectors counted
    stages = [axis.label for axis in counted.stages]
    assert stages[3:5] == ["Harm reduction", "Crisis and overdose response"]
    assert len(stages) == 13 and stages[-1] == NO_STAGE
    assert counted.sectors == [Axis(_sector(POLICE), "Law enforcement"),
                               Axis(_sector(HOSPITAL), "Emergency department/hospital"),
                               Axis(None, NO_SECTOR)]


def test_a_retired_stage_keeps_its_row_and_its_cell_while_it_has_counts(
        client, login, setting, cell_data):
    for code in (CRISIS, "prevention"):
        term_by_code("stage", code).is_active = False
    db.session.commit()
    labels = [axis.label for axis in matrix().stages]
    assert "Crisis and overdose response" in labels and "Prevention" not in labels
    login(setting.member)
    html = client.get(f"/gaps/matrix/cell?stage={_stage(CRISIS)}&sector={_sector(HOSPITAL)}")
    assert html.status_code == 200 and cell_data.first.code in html.get_data(True)


def test_nothing_counted_gives_an_empty_matrix_and_no_drawing(client, login, setting):
    counted = matrix()
    assert (counted.total, counted.max, counted.sectors) == (0, 0, [])
    assert drawing.matrix_svg(counted, lambda stage, sector: "/x") == ""
    login(setting.leader)
    html = client.get("/gaps/matrix").get_data(as_text=True)
    assert "No missed opportunity is marked in cases of all deaths." in html and "<svg" not in html


def test_the_period_bounds_the_date_of_death(setting, death, missed, today):
    recent, old, unknown = death(40), death(400), death(None)
    for case in (recent, old, unknown):
        missed(case, HARM, setting.police)
    cell = (_stage(HARM), _sector(POLICE))
    assert matrix().counts[cell] == 3  # no bound: an unknown date of death counts
    assert matrix(date_from=today - timedelta(60)).counts == {cell: 1}
    assert matrix(date_to=today - timedelta(60)).counts == {cell: 1}
    assert matrix(today - timedelta(500), today - timedelta(300)).counts == {cell: 1}
    assert matrix(today - timedelta(300), today - timedelta(200)).total == 0
    assert matrix(recent.date_of_death, recent.date_of_death).total == 1  # both ends included
    with pytest.raises(ServiceError) as refused:
        matrix(today, today - timedelta(1))
    assert (refused.value.message, refused.value.field) == (PERIOD_MESSAGE, "date_to")


def test_excluded_cases_never_count(setting, death, missed):
    kept, excluded = death(40), death(50)
    missed(kept, HARM, setting.police)
    missed(excluded, HARM, setting.police)
    ofr.set_status(setting.manager, excluded, "excluded", reason="Out of jurisdiction.")
    db.session.commit()
    cell, rows = _rows(setting.manager, _stage(HARM), _sector(POLICE))
    assert (matrix().total, cell.missed, [row.code for row in rows]) == (1, 1, [kept.code])


def test_the_counts_are_one_query_whatever_the_data(setting, death, missed, grow):
    def statements():
        with counting_queries() as seen:
            matrix()
        return seen

    missed(death(30), HARM, setting.police)
    small = statements()
    grow()
    large = statements()
    assert len(large) == len(small) == 2  # the grouped counts, and the two vocabularies
    assert sum("touchpoints" in statement for statement in large) == 1


def _rows(viewer, stage_id, sector_id, **period):
    cell = cell_cases(viewer, stage_id, sector_id, **period)
    return cell, case_rows(viewer, cell, db.session.scalars(cell.query).unique().all())


def test_a_cell_lists_its_cases_for_the_team_and_only_a_number_for_others(
        setting, cell_data, make_table, death, missed):
    harm, police = _stage(HARM), _sector(POLICE)
    cell, rows = _rows(setting.member, harm, police)
    assert [(row.code, row.missed) for row in rows] == [(cell_data.first.code, 2),
                                                         (cell_data.second.code, 1)]
    assert (cell.hidden_missed, cell.missed) == (0, 3)
    cell, rows = _rows(setting.leader, harm, police)
    assert (rows, cell.hidden_missed, cell.missed) == ([], 3, 3)
    # a case of another team is only a number for the member too
    missed(death(5, table=make_table("ofr", name="Neighbouring County Review")), HARM,
           setting.police)
    cell, rows = _rows(setting.member, harm, police)
    assert (len(rows), cell.hidden_missed, cell.missed) == (2, 1, 4)


def test_not_recorded_and_open_sides_are_cells_too(setting, cell_data):
    assert [row.code for row in _rows(setting.member, None, _sector(POLICE))[1]] == [
        cell_data.first.code]
    assert cell_cases(setting.member, _stage(CRISIS), None).missed == 1
    # a side left open: the row and column totals, and everything
    assert cell_cases(setting.member, _stage(CRISIS), ANY).missed == 2
    assert cell_cases(setting.member, ANY, _sector(POLICE)).missed == 4
    cell, rows = _rows(setting.leader, ANY, ANY)
    assert (cell.missed, cell.hidden_missed, rows) == (6, 6, [])


def test_a_cell_lists_the_registers_gaps_of_its_stage_and_sector(setting, app):
    harm, police, hospital = _stage(HARM), _sector(POLICE), _sector(HOSPITAL)
    actor = setting.manager
    wanted = create_gap(actor, title="No naloxone at release", stage_id=harm,
                        sector_ids=[police, hospital])
    merged = create_gap(actor, title="Naloxone at release", stage_id=harm, sector_ids=[police])
    create_gap(actor, title="Other sector", stage_id=harm, sector_ids=[hospital])
    create_gap(actor, title="Other stage", stage_id=_stage(CRISIS), sector_ids=[police])
    nowhere = create_gap(actor, title="Neither stage nor sector")
    merge_gaps(actor, merged, wanted)
    db.session.commit()
    with counting_queries() as seen:
        found = cell_gaps(harm, police)
    assert [gap.code for gap in found] == [wanted.code] and len(seen) == 1
    assert [gap.code for gap in cell_gaps(None, None)] == [nowhere.code]
    assert len(cell_gaps(harm, ANY)) == 2 and len(cell_gaps(ANY, police)) == 2


def _drawn(labels=("<b>Stage</b> & co", "Plain stage")):
    stage, other = Axis(1, labels[0]), Axis(2, labels[1])
    sector, none = Axis(10, 'Sector "quoted" <i>'), Axis(None, NO_SECTOR)
    counts = {(1, 10): 7, (2, None): 2, (1, None): 1}
    return Matrix(None, None, [stage, other], [sector, none], counts,
                  row_totals={1: 8, 2: 2}, column_totals={10: 7, None: 3}, total=10, max=7)


def test_the_drawing_escapes_every_text():
    svg = str(drawing.matrix_svg(_drawn(), lambda stage, sector: f"/c?stage={stage}&s={sector}"))
    assert "<b>" not in svg and "<i>" not in svg and '"quoted"' not in svg
    assert "&lt;b&gt;Stage&lt;/b&gt; &amp; co" in svg
    assert 'href="/c?stage=1&amp;s=10"' in svg


def test_the_drawing_has_a_linked_number_in_each_cell_with_a_count():
    svg = str(drawing.matrix_svg(_drawn(), lambda stage, sector: f"/cell/{stage}/{sector}"))
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">(.*?)</a>', svg)
    numbers = {href: re.search(r"<text[^>]*>(\d+)</text>", body).group(1)
               for href, _, body in links}
    assert numbers == {"/cell/1/10": "7", "/cell/1/None": "1", "/cell/2/None": "2",
                       # the totals of the rows, of the columns, and in all
                       "/cell/1/any": "8", "/cell/2/any": "2", "/cell/any/10": "7",
                       "/cell/any/None": "3", "/cell/any/any": "10"}
    assert len(re.findall(r'font-size="14"[^>]*>\d+</text>', svg)) == len(numbers)  # no zero
    assert any("7 missed opportunities" in label for _, label, _ in links)
    assert '<title id="gap-matrix-title">' in svg and '<desc id="gap-matrix-desc">' in svg
    assert 'role="group"' in svg
    unlinked = str(drawing.matrix_svg(_drawn()))  # without links, an image
    assert 'role="img"' in unlinked and "<a " not in unlinked


@pytest.mark.parametrize("fill", [*drawing.SCALE, drawing.ZERO_FILL, drawing.TOTAL_FILL])
def test_the_numbers_stay_readable_on_every_shade(fill):
    assert drawing.contrast(fill, drawing.text_colour(fill)) >= 4.5


def test_the_scale_runs_from_light_to_dark():
    scale = drawing.SCALE
    assert [drawing.fill_for(n, 7) for n in (0, 1, 7)] == [drawing.ZERO_FILL, scale[0], scale[-1]]
    shades = [drawing._luminance(colour) for colour in scale]
    assert shades == sorted(shades, reverse=True)
    assert drawing.text_colour(scale[0]) != drawing.text_colour(scale[-1])


def test_the_page_draws_the_matrix_and_its_table_for_an_unseated_leader(
        client, login, setting, cell_data):
    login(setting.leader)
    response = client.get("/gaps/matrix")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "<caption>Missed opportunities by continuum stage" in html
    assert '<th scope="col">Law enforcement</th>' in html and '<th scope="row">Harm' in html
    assert re.search(r'<a href="/gaps/matrix/cell">6<span', html)  # the grand total
    assert cell_data.first.code not in html and cell_data.second.code not in html
    harm, police = _stage(HARM), _sector(POLICE)
    assert f"/gaps/matrix/cell?stage={harm}&amp;sector={police}" in html
    assert "/gaps/matrix/cell?stage=none&amp;sector=" in html


def test_the_cell_page_shows_no_case_code_to_someone_not_seated_at_the_team(
        client, login, setting, cell_data):
    login(setting.leader)
    response = client.get("/gaps/matrix/cell", query_string={
        "stage": _stage(HARM), "sector": _sector(POLICE)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "<h1>Harm reduction × Law enforcement</h1>" in html
    assert "3 missed opportunities in cases of teams you do not sit at." in html
    assert cell_data.first.code not in html and cell_data.second.code not in html
    assert "/timeline" not in html


def test_a_seated_member_sees_the_case_codes_and_the_cells_gaps(
        client, login, setting, cell_data, today):
    gap = create_gap(setting.manager, title="No warm hand-off from the ED",
                     stage_id=_stage(HARM), sector_ids=[_sector(POLICE)])
    link_missed(setting.manager, cell_data.second.touchpoints[0], gap)
    db.session.commit()
    login(setting.member)
    html = client.get("/gaps/matrix/cell", query_string={
        "stage": _stage(HARM), "sector": _sector(POLICE)}).get_data(as_text=True)
    for case in (cell_data.first, cell_data.second):
        assert f'<a href="/cases/{case.id}/timeline">{case.code}' in html
    assert f'href="/gaps/{gap.id}">{gap.code}</a> No warm hand-off from the ED' in html
    assert "teams you do not sit at" not in html
    since = (today - timedelta(60)).isoformat()  # the period is kept
    html = client.get("/gaps/matrix/cell", query_string={
        "stage": _stage(HARM), "sector": _sector(POLICE), "from": since}).get_data(True)
    assert cell_data.first.code in html and cell_data.second.code not in html
    assert f"2 missed opportunities in cases of deaths from {since} on." in html
    assert f'href="/gaps/matrix?from={since}"' in html


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"from": "2025-05-01", "to": "2025-01-01"}, "to", PERIOD_MESSAGE),
    ({"from": "2025-13-01"}, "from", DATE_MESSAGE),
    ({"to": "yesterday"}, "to", DATE_MESSAGE),
    ({"from": "9999-01-01"}, "from", "Enter a date between 1900 and 2100.")])
def test_a_bad_period_is_shown_at_its_field(client, login, setting, cell_data, query, field,
                                            message):
    login(setting.leader)
    for url, side in (("/gaps/matrix", {}), ("/gaps/matrix/cell", {"stage": "none"})):
        response = client.get(url, query_string={**query, **side})
        assert response.status_code == 400, url
        assert error_for(response.get_data(as_text=True), field) == message


@pytest.mark.parametrize(("stage", "sector"), [
    ("999999", "none"), ("none", "999999"), ("abc", "none"), ("", "999999"), ("none", "-1"),
    ("99999999999999999999999", "none"), ("sector", "none"), ("none", "stage")])
def test_an_unknown_stage_or_sector_is_not_found(client, login, setting, stage, sector):
    login(setting.leader)
    ids = {"sector": str(_sector(POLICE)), "stage": str(_stage(HARM))}
    response = client.get("/gaps/matrix/cell", query_string={
        "stage": ids.get(stage, stage), "sector": ids.get(sector, sector)})
    assert response.status_code == 404


def test_the_totals_link_to_a_page_of_every_missed_opportunity(client, login, setting,
                                                                cell_data):
    login(setting.member)
    response = client.get("/gaps/matrix/cell")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>All stages × All sectors</h1>" in html and "6 missed opportunities" in html
    assert 'href="/gaps">gap register</a>' in html
    assert cell_data.first.code in html and cell_data.second.code in html


@pytest.mark.parametrize("url", ["/gaps/matrix", "/gaps/matrix/cell",
                                 "/gaps/matrix/cell?stage=none&sector=none"])
def test_the_pages_make_as_many_queries_at_large_data_as_at_small(
        client, login, setting, death, missed, grow, url):
    login(setting.member)

    def statements():
        with counting_queries() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    missed(death(30), None, None)
    small = statements()
    grow()
    assert statements() == small <= 15

