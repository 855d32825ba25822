"""The coalition list reads its pages in index-friendly queries and offers owner and organization
by name: the rows, their order and who sees them stay those of the straightforward query."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import case, or_, select

from coalition.actions.models import ACTION_STATUSES, OPEN_STATUSES, ActionItem
from coalition.core.localtime import local_today
from coalition.extensions import db
from coalition.roster.models import CoalitionTable
from coalition.roster.permissions import visible_tables_clause
from tests.conftest import audit_rows, counting_queries


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/actions/\d+">([^<]*)</a>', html)


def _codes(html: str) -> list[str]:
    return re.findall(r"Case action item (AI-\d+)", html)


def _straightforward(viewer, status: str) -> list[int]:
    """The list as first defined: the items of the tables the viewer may see and their own,
    open first, by due date and id."""
    visible = select(CoalitionTable.id).where(visible_tables_clause(viewer))
    listed = ActionItem.table_id.in_(visible)
    if viewer.person_id is not None:
        listed = or_(listed, ActionItem.owner_id == viewer.person_id)
    stmt = select(ActionItem.id).where(listed)
    if status == "open":
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES))
    elif status != "all":
        stmt = stmt.where(ActionItem.status == status)
    return list(db.session.scalars(stmt.order_by(
        case((ActionItem.status.in_(OPEN_STATUSES), 0), else_=1), ActionItem.due_on,
        ActionItem.id)))


def _listed_ids(client, url: str) -> list[int]:
    """Every item id the pages of ``url`` show, page after page (case items by code too)."""
    ids, number = [], 1
    while True:
        html = client.get(f"{url}&page={number}").get_data(as_text=True)
        rows = re.findall(r'<tr class="action-[a-z_]+">(.*?)</tr>', html, re.S)
        for row in rows:
            found = re.search(r'href="/actions/(\d+)"', row) or re.search(r"AI-(\d+)", row)
            ids.append(int(found[1]))
        if f"page={number + 1}" not in html:
            return ids
        number += 1


@pytest.fixture
def varied(setting, make_action_item, make_table, make_meeting, make_person, make_org, seat):
    """Items of every status with shared and distinct due dates, at the coalition table and at a
    fatality review table the colleague does not sit at (some of them case material)."""
    rng = random.Random(7)
    ofr = make_table("ofr", name="Fatality review team")
    reviewer = make_person("Rita Reviewer")
    seat(reviewer, ofr, setting.org)
    ofr_meeting = make_meeting(ofr)
    today = local_today()
    for n in range(37):
        hidden = n % 5 == 0
        make_action_item(ofr_meeting if hidden else setting.meeting,
                         reviewer if hidden else rng.choice([setting.owner, setting.colleague]),
                         title=f"Item {n}", status=rng.choice(ACTION_STATUSES),
                         due_on=today + timedelta(days=rng.randint(-5, 5)),
                         is_case=hidden and n % 2 == 0)
    return ofr


@pytest.mark.parametrize("who", ["colleague", "coordinator", "leader"])
@pytest.mark.parametrize("status", ["all", "open", "done"])
def test_every_page_shows_the_rows_of_the_straightforward_query(
        app, client, login, setting, varied, make_user, who, status):
    app.config["PAGE_SIZE"] = 4
    viewer = {"colleague": setting.colleague_user, "coordinator": make_user("coordinator"),
              "leader": make_user("leader")}[who]
    login(viewer)
    assert _listed_ids(client, f"/actions?status={status}") == _straightforward(viewer, status)



def test_the_kept_page_statement_answers_each_viewer_and_filter(app, client, login, setting,
                                                                varied, make_user):
    """The page's statement is kept under what its SQL says, values included: viewers who see
    different tables, and different filters, each get their own at the same data generation."""
    app.config["PAGE_SIZE"] = 4
    leader = make_user("leader")
    other = login(leader, test_client=app.test_client())
    login(setting.colleague_user)
    mine, theirs = (_straightforward(setting.colleague_user, "all"),
                    _straightforward(leader, "all"))
    assert mine != theirs
    for _ in range(2):
        assert _listed_ids(client, "/actions?status=all") == mine
        assert _listed_ids(other, "/actions?status=all") == theirs
    for name, shown in (("olive", "Olive Owner"), ("cole", "Cole League"), ("olive", "Olive")):
        html = client.get(f"/actions?status=all&owner_name={name}").get_data(as_text=True)
        rows = re.findall(r'<tr class="action-[a-z_]+">(.*?)</tr>', html, re.S)
        assert rows and all(f"<td>{shown}" in row for row in rows), name

def test_a_page_straddling_open_and_closed_items_keeps_the_order(app, client, login, setting,
                                                                  make_action_item):
    app.config["PAGE_SIZE"] = 2
    today = local_today()
    make_action_item(setting.meeting, setting.owner, title="Done early", status="done",
                     due_on=today - timedelta(days=9))
    make_action_item(setting.meeting, setting.owner, title="Open late", due_on=today + timedelta(9))
    make_action_item(setting.meeting, setting.owner, title="Blocked", status="blocked",
                     due_on=today + timedelta(days=1))
    make_action_item(setting.meeting, setting.owner, title="Cancelled", status="cancelled",
                     due_on=today)
    login(setting.colleague_user)
    pages = [_titles(client.get(f"/actions?status=all&page={n}").get_data(as_text=True))
             for n in (1, 2)]
    assert pages == [["Blocked", "Open late"], ["Done early", "Cancelled"]]
    html = client.get("/actions?status=all&page=9").get_data(as_text=True)
    assert _titles(html) == ["Done early", "Cancelled"]  # past the end: the last page
    assert "4 in all, page 2 of 2" in html


def test_the_list_hides_other_tables_items_when_paging_grouped(client, login, setting, varied):
    login(setting.colleague_user)
    html = client.get("/actions?status=all").get_data(as_text=True)
    assert "Fatality review team" not in html and not _codes(html)


def test_the_filters_do_not_list_every_person_and_organization(client, login, setting,
                                                                make_person, make_org):
    make_person("Nora Nobody")
    make_org("Unrelated Agency")
    login(setting.colleague_user)
    html = client.get("/actions").get_data(as_text=True)
    assert "Nora Nobody" not in html and "Unrelated Agency" not in html
    assert 'id="owner_name"' in html and 'id="organization_name"' in html


def test_the_list_finds_owners_by_part_of_their_name(client, login, setting, make_action_item):
    make_action_item(setting.meeting, setting.owner, title="Olive item")
    make_action_item(setting.meeting, setting.colleague, title="Cole item")
    login(setting.colleague_user)
    assert _titles(client.get("/actions?owner_name=oLIVE").get_data(as_text=True)) == [
        "Olive item"]
    assert _titles(client.get("/actions?owner_name=%25").get_data(as_text=True)) == []


def test_the_list_finds_organizations_by_part_of_their_name(client, login, setting,
                                                             make_action_item, make_org):
    other = make_org("Westside Clinic")
    make_action_item(setting.meeting, setting.owner, title="Eastside", organization=setting.org)
    make_action_item(setting.meeting, setting.owner, title="Westside", organization=other)
    make_action_item(setting.meeting, setting.owner, title="Nobody's")
    login(setting.colleague_user)
    html = client.get("/actions?organization_name=westSIDE").get_data(as_text=True)
    assert _titles(html) == ["Westside"]


def test_a_link_naming_an_owner_by_id_shows_them_as_chosen(client, login, setting,
                                                           make_action_item):
    make_action_item(setting.meeting, setting.owner, title="Olive item")
    make_action_item(setting.meeting, setting.colleague, title="Cole item")
    login(setting.colleague_user)
    html = client.get(f"/actions?owner={setting.owner.id}").get_data(as_text=True)
    assert _titles(html) == ["Olive item"]
    assert re.search(rf'<option selected value="{setting.owner.id}">Olive Owner</option>', html)
    assert "Cole League</option>" not in html


@pytest.mark.parametrize("query", ["owner=999999", "owner=abc", "organization=999999"])
def test_a_link_naming_no_one_is_refused_at_the_field(client, login, setting, query):
    login(setting.colleague_user)
    response = client.get(f"/actions?{query}")
    assert response.status_code == 400
    assert "from the list." in response.get_data(as_text=True)


def test_a_name_search_too_long_is_refused_at_the_field(client, login, setting):
    login(setting.colleague_user)
    response = client.get("/actions?owner_name=" + "x" * 201)
    assert response.status_code == 400
    assert "Use at most 200 characters." in response.get_data(as_text=True)


def test_the_export_reads_the_name_filters_and_is_audited(client, login, setting,
                                                          make_action_item):
    make_action_item(setting.meeting, setting.owner, title="Olive item")
    make_action_item(setting.meeting, setting.colleague, title="Cole item")
    login(setting.colleague_user)
    response = client.post("/actions/export.csv", data={"owner_name": "olive", "status": "all"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Olive item" in body and "Cole item" not in body
    assert "owner_name=olive" in audit_rows("export")[-1].summary


def test_the_edit_form_offers_the_organizations_seated_at_the_table(client, login, setting,
                                                                    make_action_item, make_org):
    elsewhere = make_org("Elsewhere Agency")
    make_org("Unrelated Agency")
    item = make_action_item(setting.meeting, setting.owner, organization=elsewhere)
    login(setting.manager_user)
    html = client.get(f"/actions/{item.id}").get_data(as_text=True)
    offered = re.findall(r'<option[^>]*value="\d+">([^<]*)</option>',
                         html.split('id="organization_id"')[1].split("</select>")[0])
    assert offered == ["Eastside Harm Reduction", "Elsewhere Agency"]  # seated, then its own


def test_the_edit_form_refuses_an_organization_it_does_not_offer(client, login, setting,
                                                                 make_action_item, make_org):
    unrelated = make_org("Unrelated Agency")
    item = make_action_item(setting.meeting, setting.owner)
    login(setting.manager_user)
    response = client.post(f"/actions/{item.id}/edit", data={
        "version_id": item.version_id, "title": item.title, "description": "",
        "owner_id": setting.owner.id, "organization_id": unrelated.id,
        "due_on": item.due_on.isoformat(), "priority": "normal"})
    assert response.status_code == 400
    assert "Choose an organization from the list." in response.get_data(as_text=True)
    assert db.session.get(ActionItem, item.id).organization_id is None


@pytest.mark.parametrize("who", ["colleague", "coordinator"])
@pytest.mark.parametrize("status", ["all", "open"])
def test_bounded_counts_page_through_the_rows_of_the_straightforward_query(
        app, client, login, setting, varied, make_user, monkeypatch, who, status):
    """The list counts only so far ("More than …"): every page still shows the rows of the
    straightforward query, in its order, to the last one."""
    monkeypatch.setattr("coalition.actions.views.LIST_COUNT_UP_TO", 3)
    app.config["PAGE_SIZE"] = 1
    viewer = {"colleague": setting.colleague_user, "coordinator": make_user("coordinator")}[who]
    login(viewer)
    expected = _straightforward(viewer, status)
    assert len(expected) > 7  # more than the first page's bound: (1 + 5) pages of one row
    first = client.get(f"/actions?status={status}").get_data(as_text=True)
    assert "More than 6 in all, page 1." in first
    assert _listed_ids(client, f"/actions?status={status}") == expected


def test_bounded_grouped_counts_match_when_the_bound_ends_in_the_closed_items(
        app, client, login, setting, make_action_item, monkeypatch):
    monkeypatch.setattr("coalition.actions.views.LIST_COUNT_UP_TO", 3)
    app.config["PAGE_SIZE"] = 1
    today = local_today()
    make_action_item(setting.meeting, setting.owner, title="Open one", due_on=today)
    for n in range(9):
        make_action_item(setting.meeting, setting.owner, title=f"Done {n}", status="done",
                         due_on=today - timedelta(days=n))
    login(setting.colleague_user)
    pages = [client.get(f"/actions?status=all&page={n}").get_data(as_text=True)
             for n in (1, 2, 10, 11)]
    assert [_titles(html) for html in pages] == [["Open one"], ["Done 8"], ["Done 0"],
                                                 ["Done 0"]]
    assert "More than 6 in all, page 1." in pages[0]
    assert "10 in all, page 10 of 10." in pages[2]


def _my_straightforward(person_id: int, status: str) -> list[int]:
    """A person's items as first defined: open first, by due date and id."""
    stmt = select(ActionItem.id).where(ActionItem.owner_id == person_id)
    if status == "open":
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES))
    elif status == "closed":
        stmt = stmt.where(ActionItem.status.not_in(OPEN_STATUSES))
    return list(db.session.scalars(stmt.order_by(
        case((ActionItem.status.in_(OPEN_STATUSES), 0), else_=1), ActionItem.due_on,
        ActionItem.id)))


@pytest.mark.parametrize("status", ["all", "open", "closed"])
def test_my_items_pages_count_with_their_rows(app, client, login, setting, varied, status):
    """My items count in the page's own query: every page, its count, and a page past the end
    (the last page) as the straightforward query and count say."""
    app.config["PAGE_SIZE"] = 3
    login(setting.owner_user)
    expected = _my_straightforward(setting.owner.id, status)
    assert len(expected) > 3
    assert _listed_ids(client, f"/actions/mine?status={status}") == expected
    pages = -(-len(expected) // 3)
    html = client.get(f"/actions/mine?status={status}").get_data(as_text=True)
    assert f"{len(expected)} in all, page 1 of {pages}." in html
    html = client.get(f"/actions/mine?status={status}&page=99").get_data(as_text=True)
    assert f"{len(expected)} in all, page {pages} of {pages}." in html
    shown = [int(n) for n in re.findall(r'<a href="/actions/(\d+)">', html)]
    assert shown == expected[3 * (pages - 1):]


def test_my_items_read_their_page_and_count_in_one_query(app, client, login, setting, varied):
    app.config["PAGE_SIZE"] = 3
    login(setting.owner_user)
    with counting_queries() as statements:
        assert client.get("/actions/mine").status_code == 200
    assert [s for s in statements if "action_items" in s and "count(" in s.lower()] == [
        s for s in statements if "action_items" in s]
    assert len([s for s in statements if "action_items" in s]) == 1


@pytest.mark.parametrize("one_query_pages", [100, 1])
def test_grouped_pages_read_each_group_along_its_order(app, client, login, setting, varied,
                                                       monkeypatch, one_query_pages):
    """Open and closed items listed together: the first pages read their rows and their counts
    in one query; further pages count first, then read a page that holds one group's items
    with that group's query alone (only the page straddling both joins the two)."""
    monkeypatch.setattr("coalition.actions.services.list_page.ONE_QUERY_PAGES",
                        one_query_pages)
    login(setting.colleague_user)
    expected = _straightforward(setting.colleague_user, "all")
    opened = len(_straightforward(setting.colleague_user, "open"))
    size = next(n for n in (2, 3, 4, 5) if opened % n)  # a page straddles the groups
    app.config["PAGE_SIZE"] = size
    straddling, pages = opened // size + 1, -(-len(expected) // size)
    assert 1 < straddling < pages
    for number in range(1, pages + 1):
        with counting_queries() as statements:
            html = client.get(f"/actions?status=all&page={number}").get_data(as_text=True)
        reads = [s for s in statements if "action_items" in s and "ORDER BY" in s]
        counts = [s for s in statements if "action_items" in s and "count(" in s.lower()]
        assert len(reads) == 1, number
        if number <= one_query_pages:
            assert counts == reads and "UNION" in reads[0], number
        else:
            assert len(counts) == 1 and counts != reads, number
            assert ("UNION" in reads[0]) == (number == straddling), number
        shown = [int(n) for n in re.findall(r'<a href="/actions/(\d+)">', html)]
        codes = [int(n) for n in re.findall(r"AI-(\d+)", html)]
        assert sorted(shown + codes) == sorted(expected[size * (number - 1):size * number])
        assert f"{len(expected)} in all, page {number} of {pages}." in html


def test_my_items_rows_say_what_the_items_say(setting, varied):
    """The plain rows of "My action items" give each item's code, labels, due state and table
    as the item itself does."""
    from coalition.actions.services import ListedItem, my_items_query

    today = local_today()
    for person in (setting.owner, setting.colleague):
        rows = [ListedItem.from_row(row) for row in db.session.execute(
            my_items_query(person.id))]
        assert rows
        for row in rows:
            item = db.session.get(ActionItem, row.id)
            assert (row.title, row.is_case, row.due_on, row.code, row.status_label,
                    row.priority_label, row.is_open, row.table.name) == (
                item.title, item.is_case, item.due_on, item.code, item.status_label,
                item.priority_label, item.is_open, item.table.name)
            for soon in (0, 2, 14):
                assert row.due_state(today, soon) == item.due_state(today, soon)


def test_the_kept_my_items_statement_answers_each_person_and_status(app, client, login, setting,
                                                                    varied):
    """Each person, each status filter and each page get their own kept statement."""
    app.config["PAGE_SIZE"] = 3
    other = login(setting.colleague_user, test_client=app.test_client())
    login(setting.owner_user)
    for _ in range(2):
        for status in ("all", "open", "closed"):
            assert _listed_ids(client, f"/actions/mine?status={status}") == (
                _my_straightforward(setting.owner.id, status))
            assert _listed_ids(other, f"/actions/mine?status={status}") == (
                _my_straightforward(setting.colleague.id, status))
