"""Browser test harness: the demo coalition served live, and headless Chromium to drive it.

Each test module gets its own app, SQLite file and server thread, seeded with the demo coalition
(``coalition.demo.seed_demo``), so a module that changes the roster cannot surprise another one.
The browser is Debian's Chromium (``/usr/bin/chromium``; ``make test`` installs it): when it is
missing the tests fail, they are never skipped. These fixtures do not use the function-scoped
``app`` fixture of ``tests/conftest.py``; the live app always runs on SQLite, even when
``COALITION_TEST_DATABASE_URL`` points the rest of the suite at PostgreSQL.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, url_for
from werkzeug.serving import make_server

from tests.conftest import BASE_CONFIG

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "coalition-demo"
COORDINATOR = "coordinator@example.org"
LEADER = "leader@example.org"
MEMBER = "member@example.org"
ROLE_EMAILS = {"coordinator": COORDINATOR, "leader": LEADER, "member": MEMBER}
TIMEOUT_MS = 15_000
SCREENS_DIR = Path("/tmp/screens")


@dataclass
class LiveServer:
    """The running demo application: its base URL, and URLs built from endpoint names."""

    app: Flask
    url: str
    ids: dict[str, int] = field(default_factory=dict)

    def path(self, endpoint: str, **values) -> str:
        """The path of ``endpoint``; a single ``id`` value fills whatever the rule calls it."""
        with self.app.test_request_context():
            if "id" in values:
                object_id = values.pop("id")
                rule = next(self.app.url_map.iter_rules(endpoint))
                (argument,) = sorted(rule.arguments)
                values[argument] = object_id
            return url_for(endpoint, **values)


def _demo_ids() -> dict[str, int]:
    """Ids of demo records the tests visit, looked up rather than assumed."""
    from sqlalchemy import select

    from coalition.core.models import User
    from coalition.extensions import db
    from coalition.gaps.models import Gap, Recommendation
    from coalition.meetings.models import Meeting
    from coalition.ofr.models import FatalityCase
    from coalition.risk.models import RiskSituation
    from coalition.roster.models import CoalitionTable, Organization, Person

    def one(stmt) -> int:
        value = db.session.scalar(stmt)
        assert value is not None, f"demo data lacks {stmt}"
        return value

    return {
        "organization": one(select(Organization.id).where(
            Organization.name == "Alder County Health Department")),
        "person": one(select(Person.id).where(Person.name == "Priya Natarajan")),
        "risk_review_table": one(select(CoalitionTable.id).where(
            CoalitionTable.kind == "risk_review")),
        "coalition_table": one(select(CoalitionTable.id).where(
            CoalitionTable.kind == "coalition")),
        "member_user": one(select(User.id).where(User.email == MEMBER)),
        "past_meeting": one(select(Meeting.id).where(Meeting.status == "closed")
                            .order_by(Meeting.starts_at).limit(1)),
        "situation": one(select(RiskSituation.id).where(RiskSituation.code == "RS-2026-0031")),
        "new_situation": one(select(RiskSituation.id).where(RiskSituation.status == "new")
                             .order_by(RiskSituation.id).limit(1)),
        "ofr_table": one(select(CoalitionTable.id).where(CoalitionTable.kind == "ofr")),
        "ofr_past_meeting": one(select(Meeting.id).join(CoalitionTable)
                                .where(Meeting.status == "closed", CoalitionTable.kind == "ofr")
                                .order_by(Meeting.starts_at.desc()).limit(1)),
        "reviewed_case": one(select(FatalityCase.id).where(FatalityCase.status == "reviewed")
                             .order_by(FatalityCase.id).limit(1)),
        "requested_case": one(select(FatalityCase.id).where(
            FatalityCase.status == "records_requested").order_by(FatalityCase.id).limit(1)),
        "gap": one(select(Gap.id).order_by(Gap.id).limit(1)),
        "recommendation": one(select(Recommendation.id).order_by(Recommendation.id).limit(1)),
        "next_meeting": one(select(Meeting.id).join(CoalitionTable)
                            .where(Meeting.status == "scheduled",
                                   CoalitionTable.kind == "risk_review")
                            .order_by(Meeting.starts_at).limit(1)),
    }


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> LiveServer:
    """The demo coalition served on 127.0.0.1 at a free port, in a daemon thread."""
    from coalition import create_app
    from coalition.demo import seed_demo
    from coalition.extensions import db

    root = tmp_path_factory.mktemp("live")
    config = {key: value for key, value in BASE_CONFIG.items() if key != "SERVER_NAME"}
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{root / 'browser.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("COALITION_") and name != "COALITION_TEST_DATABASE_URL":
                patch.delenv(name)
        patch.delenv("DATABASE_URL", raising=False)
        patch.delenv("SECRET_KEY", raising=False)
        patch.setenv("COALITION_INSTANCE_PATH", str(root / "instance"))
        app = create_app(config)
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        ids = _demo_ids()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}", ids=ids)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, launched once for the session."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
                    "Install it with `make browser` (or `apt-get install chromium`).",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser, live_server: LiveServer, **options):
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser context (no cookies shared with other tests)."""
    context, new_page = _new_page(browser, live_server)
    yield new_page
    context.close()


@pytest.fixture
def csp_bypassing_page(browser, live_server):
    """A fresh page whose context ignores the Content-Security-Policy, so axe-core can be
    injected as an inline script. Only the accessibility checks use it."""
    context, new_page = _new_page(browser, live_server, bypass_csp=True)
    yield new_page
    context.close()


def _sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person would; wait until the page it lands on has loaded."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("details.account-menu > summary")).to_be_visible()
    # The page's script binds its keys (Escape closes a menu) once the document has loaded; a
    # test that types straight away must not race it.
    page.wait_for_load_state("load")


def sign_out(page) -> None:
    """Sign out through the account menu, as a person would."""
    from playwright.sync_api import expect

    page.locator("details.account-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def nav_link(page, label: str):
    """The main navigation's link ``label``, opening the menu that holds it first (as a person
    would) when it is grouped in one."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        hidden = page.get_by_role("link", name=label, exact=True, include_hidden=True)
        nav.locator("details.nav-menu").filter(has=hidden).locator("summary").click()
    return link


@pytest.fixture
def sign_in():
    """``sign_in(page, email, password=DEMO_PASSWORD)``."""
    return _sign_in


def _screenshot(page, name: str) -> None:
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS_DIR / f"{name}.png"), full_page=True)


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: a full-page PNG in /tmp/screens for people to look at (never
    asserted)."""
    return _screenshot
