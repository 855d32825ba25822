"""The pagination's links: each page's link is what url_for writes, whatever the request's own
arguments are called."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from coalition.core.links import PageLinks


@pytest.fixture
def orgs(app, make_org):
    app.config["PAGE_SIZE"] = 2
    return [make_org(f"Agency {n:02d}") for n in range(9)]


def _links(html: str) -> list[str]:
    nav = re.search(r'<ul class="pagination">.*?</ul>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav[0]) if nav else []


@pytest.mark.parametrize("query", [
    "", "page=3", "q=Agency&page=2", "page=2&q=Agency", "page=abc", "page=4&status=all",
    "q=Agency&note=%26page%3D7&page=2", "note=caf%C3%A9&page=2"])
def test_the_links_are_those_url_for_writes(app, as_coordinator, orgs, query):
    html = as_coordinator.get(f"/organizations?{query}").get_data(as_text=True)
    links = _links(html)
    assert links, html
    with app.test_request_context(f"/organizations?{query}"):
        from flask import request
        args = request.args.to_dict()
        for link in links:
            number = int(re.search(r"[?&]page=(\d+)", link.replace("&amp;", "&"))[1])
            expected = url_for("roster.organization_list", **dict(args, page=number))
            assert link.replace("&amp;", "&") == expected


@pytest.mark.parametrize("name", ["endpoint", "key", "values", "_external", "_scheme",
                                  "_anchor", "_method", "_mark"])
def test_arguments_of_any_name_are_kept_or_dropped_never_an_error(as_coordinator, orgs, name):
    page = as_coordinator.get(f"/organizations?{name}=x&page=2")
    assert page.status_code == 200
    links = _links(page.get_data(as_text=True))
    assert links and all(link.startswith("/organizations?") for link in links)


def test_a_page_link_is_built_once_and_differs_only_in_its_number(app):
    with app.test_request_context("/organizations"):
        link = PageLinks("roster.organization_list", {"status": "all", "page": "9"})
        assert link(12) == url_for("roster.organization_list", status="all", page=12)
        assert link(1) == url_for("roster.organization_list", status="all", page=1)
