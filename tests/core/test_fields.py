"""Form building blocks: the checkboxes of a multiple-choice field render as the widgets would."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice

from coalition.core.fields import FilterForm, checkbox_options, checkboxes, options, record_id


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
