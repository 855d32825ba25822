"""Running a meeting without losing anything typed: the item's form, the attendance list, the
place of a new agenda item — and (meeting mode) one item in focus, moved through by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COORDINATOR

pytestmark = pytest.mark.browser


def _started(page, live_server) -> str:
    """The demo's next risk review meeting, in progress; returns its page's path."""
    path = live_server.path("meetings.meeting_detail", id=live_server.ids["next_meeting"])
    page.goto(path)
    start = page.get_by_role("button", name="Start the meeting")
    if start.count():
        start.click()
        expect(page.get_by_role("status")).to_contain_text("in progress")
    return path


def _first_card(page):
    return page.locator("section.card").first


def test_minutes_typed_then_a_decision_and_an_action_item_lose_nothing(page, live_server,
                                                                        sign_in):
    sign_in(page, COORDINATOR)
    path = _started(page, live_server)
    page.goto(path + "/run")
    card = _first_card(page)
    card.get_by_label(re.compile("^Minutes: ")).fill("Typed before the decision.")
    card.get_by_label(re.compile("^New decision on ")).fill("Decided while minutes were unsaved.")
    card.get_by_role("button", name=re.compile("^Record decision")).click()
    expect(_first_card(page)).to_contain_text("Decision recorded")

    card = _first_card(page)
    minutes = card.get_by_label(re.compile("^Minutes: "))
    expect(minutes).to_have_value("Typed before the decision.")
    minutes.fill("Typed before the decision.\nAnd before the action item.")
    card.locator("summary", has_text="Add action item").click()
    card.get_by_label(re.compile("^Action item from ")).fill("Phone the shelter")
    owners = card.get_by_label(re.compile("^Owner"))
    owners.select_option(index=1)
    card.get_by_label(re.compile("^Due on")).fill("2030-01-15")
    card.get_by_role("button", name=re.compile("^Add action item")).click()
    expect(_first_card(page)).to_contain_text("created for")

    card = _first_card(page)
    expect(card.get_by_label(re.compile("^Minutes: "))).to_have_value(
        "Typed before the decision.\nAnd before the action item.")
    expect(card.locator("ol.decisions")).to_contain_text("Decided while minutes were unsaved.")
    expect(card).to_contain_text("Phone the shelter")


def test_all_present_then_one_change_then_a_guest_keeps_every_status(page, live_server, sign_in):
    sign_in(page, COORDINATOR)
    path = _started(page, live_server)
    page.goto(path + "/attendance")
    page.get_by_role("button", name="Everyone not yet recorded: present").click()
    expect(page.get_by_role("status")).to_contain_text("Attendance saved")
    people = page.locator("fieldset").first.locator("select")
    count = people.count()
    assert count > 1
    for index in range(count):
        expect(people.nth(index)).to_have_value("present")
    changed = people.nth(1).get_attribute("id")
    people.nth(1).select_option("absent")
    page.get_by_label("Guest's name").fill("Sam Visitor")
    page.get_by_role("button", name="Add guest").click()
    expect(page.get_by_role("status")).to_contain_text("Sam Visitor was added")

    people = page.locator("fieldset").first.locator("select")
    for index in range(count):
        select = people.nth(index)
        expected = "absent" if select.get_attribute("id") == changed else "present"
        expect(select).to_have_value(expected)
    expect(page.get_by_label("Sam Visitor, guest")).to_have_value("present")


def test_a_new_item_is_placed_in_a_chosen_section_in_one_step(page, live_server, sign_in):
    sign_in(page, COORDINATOR)
    page.goto(live_server.path("meetings.meeting_detail", id=live_server.ids["next_meeting"]))
    place = page.get_by_label("Place")
    sections = [o for o in place.locator("option").all_text_contents()
                if o.startswith("In section")]
    assert len(sections) >= 2
    chosen = sections[0]
    section_title = re.search(r"“(.*)”", chosen).group(1)
    page.get_by_label("Item title").fill("Grant report")
    place.select_option(label=chosen)
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_role("status")).to_contain_text("Grant report was added")

    rows = [r.strip() for r in page.get_by_role("table").locator("tbody tr td:first-child")
            .all_inner_texts()]
    titles = [r.split("\n")[0].strip() for r in rows]
    new = titles.index("Grant report")
    heading = next(i for i, t in enumerate(titles) if t.startswith(section_title))
    assert heading < new
    strong = page.get_by_role("table").locator("tbody tr").nth(new + 1).locator("strong")
    assert new == len(titles) - 1 or strong.count() == 1  # the next row starts a section


def test_minutes_save_as_the_recorder_types_and_items_are_added_in_place(page, live_server,
                                                                         sign_in):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, COORDINATOR)
    path = _started(page, live_server)
    page.goto(path + "/run")
    page.locator(".agenda-lines li.ms-3 a").nth(1).click()  # the second item, in focus
    card = page.locator("section.card").first
    card_id = card.get_attribute("id")
    card.get_by_label(re.compile("^Minutes: ")).fill("Autosaved without a click.")
    expect(card.locator(".minutes-saved")).to_contain_text(re.compile(r"Saved \d\d:\d\d"))
    card.get_by_label(re.compile("^New decision on ")).fill("Recorded in place.")
    card.get_by_role("button", name=re.compile("^Record decision")).click()
    card = page.locator(f"#{card_id}")
    expect(card).to_contain_text("Decision recorded on")
    expect(card.locator("ol.decisions")).to_contain_text("Recorded in place.")
    expect(card.get_by_label(re.compile("^Minutes: "))).to_have_value("Autosaved without a click.")
    assert page.get_by_role("status").count() == 0  # no page load: no flashed message

    page.reload()
    card = page.locator(f"#{card_id}")
    expect(card.get_by_label(re.compile("^Minutes: "))).to_have_value("Autosaved without a click.")
    history = card.locator("summary", has_text=re.compile(r"Minutes history \(1 save\)"))
    expect(history).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def _arrived(page, title: str) -> None:
    """The item ``title`` is in focus and its page has loaded (its heading took the focus)."""
    expect(page.locator("[data-focus-item] h2")).to_contain_text(title)
    page.wait_for_load_state("load")
    expect(page.locator("[data-focus-item] h2[tabindex='-1']")).to_have_count(1)


def test_meeting_mode_is_moved_through_by_keyboard_alone(page, live_server, sign_in):
    sign_in(page, COORDINATOR)
    path = _started(page, live_server)
    page.goto(path + "/run")
    lines = page.locator(".agenda-lines li.ms-3 a")
    titles = [t.strip() for t in lines.all_inner_texts()]
    assert len(titles) >= 3
    first = page.locator("[data-focus-item] h2").inner_text()
    start = next(i for i, t in enumerate(titles) if first.startswith(t))

    page.locator("body").press("n")  # N: the next item (minutes typed so far are saved)
    expect(page).to_have_url(re.compile(r"[?&]item=\d+"))
    _arrived(page, titles[start + 1])
    # arrived on the item's heading, where the keyboard goes on
    assert page.evaluate("document.activeElement.matches('[data-focus-item] h2')")

    # typing in the minutes box, N is just a letter; Tab away and N moves on, keeping the text
    minutes = page.locator("[data-focus-item]").get_by_label(re.compile("^Minutes: "))
    minutes.focus()
    page.keyboard.type("Noted by keyboard")
    expect(minutes).to_have_value(re.compile("Noted by keyboard"))
    page.keyboard.press("Escape")
    page.locator("[data-focus-item] h2").focus()
    page.keyboard.press("n")
    _arrived(page, titles[start + 2])
    page.keyboard.press("p")
    _arrived(page, titles[start + 1])
    expect(page.locator("[data-focus-item]").get_by_label(re.compile("^Minutes: "))) \
        .to_have_value(re.compile("Noted by keyboard"))

    # the same with Tab and Enter on the "Previous item" button
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.go") == "previous":
            break
    page.keyboard.press("Enter")
    expect(page.locator("[data-focus-item] h2")).to_contain_text(titles[start])
