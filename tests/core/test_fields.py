"""Form building blocks: checkboxes and selects render as the wtforms widgets would, faster."""

from __future__ import annotations

import re

import pytest
import wtforms
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from coalition.core.fields import (
    FilterForm,
    OptionsSelect,
    SelectField,
    checkbox_options,
    checkboxes,
    choice,
    options,
    record_id,
)


class Agencies(FilterForm):
    organization_ids = checkboxes("Agencies to ask", coerce=record_id)
    periods = checkboxes("Periods", choices=[SelectChoice("2025", "Year 2025"),
                                           SelectChoice("q1", "Q1 <&> \"Q2\"")])
    marked = SelectMultipleField("Marked", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")],
                                 render_kw={"data-role": "pick"})


def widget_rendering(field, inline: bool) -> str:
    """What the shared macro rendered before: each option through the wtforms widgets."""
    css = "form-check-input" + (" is-invalid" if field.errors else "")
    wrapper = "form-check form-check-inline" if inline else "form-check"
    return "".join(f'<div class="{wrapper}">{option(class_=css)} '
                   f'{option.label(class_="form-check-label")}</div>\n' for option in field)


@pytest.mark.parametrize("inline", [True, False])
@pytest.mark.parametrize("query", [
    {}, {"organization_ids": ["3", "12"]}, {"organization_ids": ["999"]},
    {"periods": ["q1"]}, {"marked": ["b"]}])
def test_checkbox_options_match_the_widgets(app, query, inline):
    with app.test_request_context():
        form = Agencies(MultiDict([(key, value) for key, values in query.items()
                                   for value in values]))
        form.organization_ids.choices = options(
            [(3, "Harbor <Hospital>"), (7, "O'Neil & Sons EMS"), (12, "Sheriff")])
        form.validate()
        for field in form:
            rendered = checkbox_options(field, inline=inline)
            assert isinstance(rendered, Markup)
            assert str(rendered) == widget_rendering(field, inline)


def test_checked_and_invalid_options_are_marked(app):
    with app.test_request_context():
        form = Agencies(MultiDict([("organization_ids", "12"), ("organization_ids", "5")]))
        form.organization_ids.choices = options([(3, "Harbor"), (12, "Sheriff")])
        assert not form.validate()
        html = str(checkbox_options(form.organization_ids))
    assert re.findall(r"<input[^>]*>", html) == [
        '<input class="form-check-input is-invalid" id="organization_ids-0" '
        'name="organization_ids" type="checkbox" value="3">',
        '<input checked class="form-check-input is-invalid" id="organization_ids-1" '
        'name="organization_ids" type="checkbox" value="12">']


class Picks(FilterForm):
    agency = choice("Agency", "an agency")
    code = SelectField("Code", choices=[SelectChoice("", "Any"), SelectChoice("a&b", "A <&> \"B\""),
                                        SelectChoice("x", "X", render_kw={"disabled": True})])
    flag = SelectField("Flag", choices=[SelectChoice(True, "Yes"), SelectChoice(False, "No")],
                       coerce=lambda value: value in (True, "True"))
    kind = SelectField("Kind", choices=[("", "Any"), ("open", "Open <now>"), ("done", None),
                                        "plain & simple"])


class PlainPicks(FilterForm):
    """wtforms' own select (rendered by the form's one-pass writer), with option groups too."""
    kind = wtforms.SelectField("Kind", choices=[("open", "Open"), SelectChoice("a&b", "A&B")])
    grouped = wtforms.SelectField("Grouped", choices={"Early": [("1", "One")], "Late": ["2"]})


@pytest.mark.parametrize("query", [{}, {"agency": "12"}, {"agency": "7"}, {"code": "a&b"},
                                   {"code": "x"}, {"flag": "True"}, {"agency": "nonsense"},
                                   {"kind": "done"}, {"kind": "plain & simple"}])
def test_selects_render_as_the_wtforms_widget_does(app, query):
    with app.test_request_context():
        form = Picks(MultiDict(query))
        form.agency.choices = options([(3, "Harbor <Hospital>"), (7, "O'Neil & Sons EMS"),
                                       (12, "Sheriff")], blank="Any")
        form.validate()
        for field in form:
            assert isinstance(field.widget, OptionsSelect)
            for attrs in ({}, {"class_": "form-select", "required": True}):
                assert str(field(**attrs)) == str(Select()(field, **attrs))
        assert '<option selected value="12">Sheriff</option>' in str(form.agency()) \
            or query.get("agency") != "12"


@pytest.mark.parametrize("query", [{}, {"kind": "a&b"}, {"grouped": "2"}])
def test_wtforms_selects_render_as_their_widget_does(app, query):
    with app.test_request_context():
        form = PlainPicks(MultiDict(query))
        form.validate()
        for field in form:
            for attrs in ({}, {"class_": "form-select", "required": True}):
                assert str(field(**attrs)) == str(Select()(field, **attrs))
