"""Sector coverage: per table and as a matrix of standard sectors × visible tables."""

from __future__ import annotations

import re

from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.roster import services as roster
from tests.conftest import counting_queries


def _cell(html: str, sector: str) -> list[str]:
    """The cells of one sector's row of the coverage matrix, as plain text."""
    row = re.search(rf'<th scope="row">{re.escape(sector)}</th>(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def _missing_row(html: str) -> list[str]:
    return _cell(html, "Sectors missing")


def test_a_sector_nobody_represents_is_marked_missing_in_words(client, login, make_user,
                                                               make_table):
    make_table("coalition", name="County Coalition")
    login(make_user("member"))
    html = client.get("/coverage").get_data(as_text=True)
    assert _cell(html, "Fire/EMS") == ["Missing"]


def test_seating_a_person_of_a_new_sector_changes_the_coverage(client, login, make_user,
                                                               make_table, make_org,
                                                               make_person, seat):
    table = make_table("coalition", name="County Coalition")
    login(make_user("member"))
    before = client.get("/coverage").get_data(as_text=True)
    standard = len(roster.standard_sectors())
    assert _missing_row(before) == [f"{standard} of {standard}"]

    ems = make_org("County EMS", sector="fire_ems")
    seat(make_person(organizations=[ems]), table, ems)
    after = client.get("/coverage").get_data(as_text=True)
    assert _cell(after, "Fire/EMS") == ["1 organization"]
    assert _missing_row(after) == [f"{standard - 1} of {standard}"]


def test_two_organizations_of_a_sector_are_counted_once_each(client, login, make_user,
                                                             make_table, make_org, make_person,
                                                             seat):
    table = make_table("coalition")
    for name in ("North EMS", "South EMS"):
        org = make_org(name, sector="fire_ems")
        person = make_person(organizations=[org])
        seat(person, table, org)
    login(make_user("member"))
    assert _cell(client.get("/coverage").get_data(as_text=True), "Fire/EMS") == [
        "2 organizations"]


def test_other_and_non_standard_sectors_are_not_rows(client, login, make_user, make_table):
    make_table("coalition")
    login(make_user("member"))
    html = client.get("/coverage").get_data(as_text=True)
    assert '<th scope="row">Other</th>' not in html


def test_the_matrix_shows_only_tables_the_user_may_see(client, login, make_user, make_table):
    make_table("coalition", name="County Coalition")
    make_table("ofr", name="Hidden OFR Team")
    login(make_user("member"))
    html = client.get("/coverage").get_data(as_text=True)
    assert "County Coalition" in html and "Hidden OFR Team" not in html


def test_leaders_see_every_table_in_the_matrix(client, login, make_user, make_table):
    make_table("ofr", name="OFR Team")
    login(make_user("leader"))
    assert "OFR Team" in client.get("/coverage").get_data(as_text=True)


def test_the_coverage_page_makes_the_same_queries_whatever_the_data(
        client, login, make_user, make_table, make_org, make_person, seat):
    login(make_user("leader"))
    make_table("coalition")
    with counting_queries() as small:
        client.get("/coverage")
    for kind in ("risk_review", "ofr", "coalition"):
        table = make_table(kind)
        for sector in ("fire_ems", "public_health", "schools"):
            org = make_org(sector=sector)
            seat(make_person(organizations=[org]), table, org)
    with counting_queries() as large:
        client.get("/coverage")
    assert len(large) == len(small)


def test_the_table_detail_lists_represented_and_missing_sectors(client, login, make_user,
                                                                make_table, make_org,
                                                                make_person, seat):
    table = make_table("coalition")
    ems = make_org("County EMS", sector="fire_ems")
    seat(make_person(organizations=[ems]), table, ems)
    login(make_user("member"))
    html = client.get(f"/tables/{table.id}").get_data(as_text=True)
    assert "<strong>Fire/EMS</strong>: County EMS" in html
    assert "Missing: Law enforcement" in html
    assert "Missing: Fire/EMS" not in html


def test_a_retired_sector_is_no_longer_expected(client, login, make_user, make_table):
    make_table("coalition")
    term = term_by_code("sector", "schools")
    term.is_active = False
    db.session.commit()
    login(make_user("member"))
    assert '<th scope="row">Schools</th>' not in client.get("/coverage").get_data(as_text=True)


def test_the_table_list_shows_member_and_missing_sector_counts(client, login, make_user,
                                                               make_table, make_org,
                                                               make_person, seat):
    table = make_table("coalition", name="County Coalition")
    ems = make_org(sector="fire_ems")
    seat(make_person(organizations=[ems]), table, ems)
    seat(make_person(organizations=[ems]), table, ems)
    login(make_user("member"))
    summaries = roster.table_summaries([table])
    standard = len(roster.standard_sectors())
    assert summaries[table.id] == {"members": 2, "missing": standard - 1}
    html = client.get("/tables").get_data(as_text=True)
    assert f"<td>2</td>\n      <td>{standard - 1}</td>" in html


def test_the_table_list_counts_follow_a_new_seat(client, login, make_user, make_table, make_org,
                                                 make_person, seat):
    """The summaries are kept between requests, and refreshed by any change of the roster."""
    table = make_table("coalition", name="County Coalition")
    ems = make_org(sector="fire_ems")
    seat(make_person(organizations=[ems]), table, ems)
    login(make_user("member"))
    standard = len(roster.standard_sectors())
    assert f"<td>1</td>\n      <td>{standard - 1}</td>" in client.get("/tables").get_data(
        as_text=True)
    police = make_org(sector="law_enforcement")
    seat(make_person(organizations=[police]), table, police)
    assert f"<td>2</td>\n      <td>{standard - 2}</td>" in client.get("/tables").get_data(
        as_text=True)
