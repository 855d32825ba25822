"""Pages load cleanly under the Content-Security-Policy: no console errors, no blocked resources.

The coordinator's main screens are also saved as full-page screenshots in /tmp/screens for people
to look at (not asserted).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import COORDINATOR

pytestmark = pytest.mark.browser


def watch(page) -> list[str]:
    """Collect console errors and warnings, uncaught exceptions and failed requests."""
    problems: list[str] = []

    def on_console(message):
        text = message.text
        if message.type in ("error", "warning") or "Content Security Policy" in text:
            problems.append(f"console {message.type}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_request_failed(request):
        # A page that navigates away cancels what it was still loading (net::ERR_ABORTED, e.g.
        # the icon after signing in): not a fault of the page. Errors and refusals still count.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"request failed: {request.url} ({request.failure})")

    page.on("requestfailed", on_request_failed)

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("response", on_response)
    return problems


@pytest.mark.parametrize("endpoint", ["main.dashboard", "roster.organization_list"])
def test_no_console_errors_and_csp(page, live_server, sign_in, endpoint):
    problems = watch(page)
    sign_in(page, COORDINATOR)

    page.goto(live_server.path(endpoint))
    page.wait_for_load_state("networkidle")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    stylesheets_applied = page.evaluate(
        "() => [...document.styleSheets].every(sheet => sheet.cssRules.length > 0)")
    assert stylesheets_applied, "a stylesheet did not load"
    assert problems == []


def test_screenshots_of_the_main_screens(page, live_server, sign_in, screenshot):
    sign_in(page, COORDINATOR)
    ids = live_server.ids
    for name, endpoint, record in [
        ("dashboard", "main.dashboard", None),
        ("organization", "roster.organization_detail", "organization"),
        ("table", "roster.table_detail", "risk_review_table"),
        ("coverage", "roster.coverage", None),
    ]:
        values = {"id": ids[record]} if record else {}
        response = page.goto(live_server.path(endpoint, **values))
        assert response is not None and response.ok, endpoint
        screenshot(page, name)
