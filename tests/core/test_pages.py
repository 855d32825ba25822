"""Markup rules for the core screens: one <h1>, labelled fields, header cells, nothing inline."""

from __future__ import annotations

import re

import pytest

from coalition.core import audit
from coalition.extensions import db

PAGES = [
    ("GET", "/login", None),
    ("GET", "/account/password", "member"),
    ("GET", "/users/", "coordinator"),
    ("GET", "/users/?role=root", "coordinator"),
    ("GET", "/users/new", "coordinator"),
    ("POST", "/users/new", "coordinator"),
    ("GET", "/users/{id}", "coordinator"),
    ("GET", "/users/{id}/edit", "coordinator"),
    ("POST", "/users/{id}/reset-password", "coordinator"),
    ("POST", "/users/{id}/reactivate", "coordinator"),
    ("GET", "/audit/", "coordinator"),
    ("GET", "/audit/?date_from=nonsense", "coordinator"),
]


@pytest.fixture
def page_html(client, login, make_user, make_person):
    def fetch(method, path, role):
        target = make_user("leader", person=make_person())
        if role:
            login(make_user(role))
        audit.log(target, "view", target, summary="a row to show")
        db.session.commit()
        response = client.open(path.format(id=target.id), method=method,
                               data={"name": "", "email": "bad"} if method == "POST" else None)
        assert response.status_code in (200, 400), response.status_code
        return response.get_data(as_text=True)
    return fetch


@pytest.mark.parametrize(("method", "path", "role"), PAGES)
def test_each_page_has_exactly_one_h1(page_html, method, path, role):
    assert len(re.findall(r"<h1[\s>]", page_html(method, path, role))) == 1


@pytest.mark.parametrize(("method", "path", "role"), PAGES)
def test_each_visible_field_has_a_label(page_html, method, path, role):
    html = page_html(method, path, role)
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    for tag in fields:
        kind = re.search(r'\stype="([^"]+)"', tag)
        if kind and kind.group(1) in ("hidden", "submit"):
            continue
        field_id = re.search(r'\sid="([^"]+)"', tag).group(1)
        assert f'for="{field_id}"' in html, tag


@pytest.mark.parametrize(("method", "path", "role"), PAGES)
def test_no_inline_script_or_style(page_html, method, path, role):
    html = page_html(method, path, role)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers


@pytest.mark.parametrize(("method", "path", "role"), PAGES)
def test_table_headers_are_column_headers(page_html, method, path, role):
    html = page_html(method, path, role)
    assert len(re.findall(r"<th[\s>]", html)) == html.count('<th scope="col">')
