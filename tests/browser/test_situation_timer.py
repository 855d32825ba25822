"""The per-situation timer on the run screen: plain JS under the CSP, start, pause, reset, the
planned-time warning, and spoken updates at minute boundaries only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COORDINATOR

pytestmark = pytest.mark.browser

SITUATION_ITEM = re.compile(r"^RS-\d{4}-0031 — update")


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def _open_run_screen(page, live_server) -> None:
    """The coordinator signs next week's attestation (once) and opens the run screen."""
    meeting_id = live_server.ids["next_meeting"]
    page.goto(live_server.path("meetings.attest", id=meeting_id))
    agree = page.get_by_role("button", name="I agree")
    if agree.count():
        agree.click()
    page.goto(live_server.path("meetings.run_meeting", id=meeting_id))
    page.get_by_role("link", name=SITUATION_ITEM).click()  # meeting mode: put it in focus


def _timer(page):
    card = page.locator("section.card").filter(
        has=page.get_by_role("heading", name=SITUATION_ITEM))
    return card.get_by_role("group", name=re.compile("^Timer for RS-"))


def test_the_timer_starts_advances_pauses_and_resets(page, live_server, sign_in):
    problems = _watch(page)
    sign_in(page, COORDINATOR)
    _open_run_screen(page, live_server)
    timer = _timer(page)
    expect(timer).to_be_visible()
    display = timer.locator("[data-timer-display]")
    expect(display).to_have_text("00:00")
    expect(timer).to_contain_text("of 05:00 planned")
    # the live region is polite and silent until a minute has passed
    announce = timer.locator("[aria-live=polite]")
    expect(announce).to_have_text("")

    timer.get_by_role("button", name=re.compile("^Start timer for RS-")).click()
    expect(display).to_have_text("00:01", timeout=5_000)
    timer.get_by_role("button", name=re.compile("^Pause for RS-")).click()
    paused = display.inner_text()
    page.wait_for_timeout(1_500)
    expect(display).to_have_text(paused)
    expect(timer.get_by_role("button", name=re.compile("^Start timer for RS-"))).to_be_visible()

    timer.get_by_role("button", name=re.compile("^Start timer for RS-")).click()
    expect(display).not_to_have_text(paused, timeout=5_000)
    timer.get_by_role("button", name=re.compile("^Reset timer for RS-")).click()
    expect(display).to_have_text("00:00")
    expect(timer.get_by_role("button", name=re.compile("^Start timer for RS-"))).to_be_visible()
    page.wait_for_timeout(1_200)
    expect(display).to_have_text("00:00")  # reset also stops it

    # other items have no timer, and the timers are independent
    assert page.locator("[data-timer]").count() == 1  # meeting mode: the item in focus only
    page.goto(page.url.split("?")[0] + "?all=1")  # every item in full
    assert page.locator("[data-timer]").count() == 4  # the two updates and two new situations
    assert problems == []


def test_the_timer_warns_past_the_planned_minutes_and_speaks_per_minute(
        page, live_server, sign_in):
    problems = _watch(page)
    page.clock.install()
    sign_in(page, COORDINATOR)
    _open_run_screen(page, live_server)
    timer = _timer(page)
    display = timer.locator("[data-timer-display]")
    announce = timer.locator("[aria-live=polite]")
    timer.get_by_role("button", name=re.compile("^Start timer for RS-")).click()

    page.clock.run_for(59_000)
    expect(display).to_have_text("00:59")
    expect(announce).to_have_text("")  # not every second
    page.clock.run_for(2_000)
    expect(display).to_have_text("01:01")
    expect(announce).to_have_text("1 minute elapsed.")
    expect(display).not_to_have_class(re.compile("text-danger"))

    page.clock.run_for(3 * 60_000 + 58_000)
    expect(display).to_have_text("04:59")
    expect(announce).to_have_text("4 minutes elapsed.")
    page.clock.run_for(2_000)
    expect(display).to_have_text("05:01")
    expect(display).to_have_class(re.compile("text-danger"))
    expect(announce).to_have_text("Over the 5 minutes planned.")
    page.clock.run_for(60_000)
    expect(announce).to_have_text("6 minutes elapsed, over the 5 minutes planned.")

    timer.get_by_role("button", name=re.compile("^Reset timer for RS-")).click()
    expect(display).to_have_text("00:00")
    expect(display).not_to_have_class(re.compile("text-danger"))
    assert problems == []
