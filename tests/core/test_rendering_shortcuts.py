"""The shortcuts that write pages faster write what the slow way writes: every form's inputs,
text areas and selects as wtforms' own widgets would (``core.fields.Form.Meta``), and each row's
link as ``url_for`` would (``core.links.RowLinks``)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form as PlainForm
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

import coalition
from coalition.core.fields import Form, OptionsSelect, _fast_renderer

HOSTILE = 'a <b> & "c" \'d\''

KEYWORDS = [
    {},
    {"class_": "form-control is-invalid", "aria-describedby": "x-help x-error",
     "aria-invalid": "true", "required": True},
    {"class_": 'odd "class"', "data_role": Markup('pick "me"'), "disabled": False,
     "placeholder": HOSTILE, "readonly": True},
]


def every_form_class() -> list[type[Form]]:
    for module in pkgutil.walk_packages(coalition.__path__, "coalition."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, waiting = [], list(Form.__subclasses__())
    while waiting:
        kind = waiting.pop()
        found.append(kind)
        waiting.extend(kind.__subclasses__())
    return sorted(set(found), key=lambda kind: f"{kind.__module__}.{kind.__qualname__}")


def wtforms_rendering(field, keywords: dict) -> str:
    """What wtforms' default meta writes for the field."""
    merged = dict(field.render_kw or {}, **keywords)
    if isinstance(field.widget, OptionsSelect):
        return Select.__call__(field.widget, field, **merged)
    assert type(field.widget).__module__.startswith("wtforms.")
    return PlainForm.Meta().render_field(field, keywords)


def filled(kind: type[Form]):
    """The form with hostile text in every field and offered choices where a view sets them."""
    try:
        form = kind(formdata=None, meta={"csrf": False})
    except TypeError:
        return None
    data = MultiDict()
    for field in form:
        if getattr(field, "choices", ()) is None:
            field.choices = [SelectChoice("", "Any"), SelectChoice("7", HOSTILE),
                             SelectChoice("8", "Eight")]
        data.add(field.name, "7" if hasattr(field, "choices") else HOSTILE)
    form.process(formdata=data)
    return form


def test_every_form_renders_as_the_wtforms_widgets(app):
    compared, kinds = 0, set()
    forms = every_form_class()
    with app.test_request_context("/"):
        for kind in forms:
            form = filled(kind)
            if form is None:
                continue
            for field in form:
                fast = _fast_renderer(field.widget)
                if isinstance(field.widget, OptionsSelect):
                    fast = OptionsSelect.__call__
                if fast is None:
                    continue
                for keywords in KEYWORDS:
                    expected = wtforms_rendering(field, keywords)
                    assert str(field(**keywords)) == str(expected), (kind, field.name, keywords)
                    compared += 1
                kinds.add(fast.__name__)
    assert len(forms) > 60
    assert compared > 300
    assert kinds == {"_fast_input", "_fast_textarea", "_fast_select", "__call__"}


@pytest.mark.parametrize("keywords", KEYWORDS)
def test_a_selected_hostile_choice_is_escaped_and_marked(app, keywords):
    from wtforms import SelectField

    class One(Form):
        pick = SelectField("Pick", choices=[SelectChoice("1", "One"), SelectChoice("<x>", HOSTILE)])

    with app.test_request_context("/"):
        form = One(formdata=MultiDict({"pick": "<x>"}), meta={"csrf": False})
        written = str(form.pick(**keywords))
    assert '<option selected value="&lt;x&gt;">a &lt;b&gt; &amp; &#34;c&#34; &#39;d&#39;</option>' \
        in written
    assert '<option value="1">One</option>' in written
    assert written.startswith("<select ") and 'name="pick"' in written


@pytest.mark.parametrize(("endpoint", "key", "values"), [
    ("roster.organization_detail", "org_id", {}),
    ("actions.item_detail", "item_id", {}),
    ("risk.situation_new", "referral", {"table_id": 3}),
    ("risk.referral_dismiss", "referral_id",
     {"table_id": 3, "q": "2147483646 and 2147483645", "page": 2}),
    ("gaps.recommendation_decide", "recommendation_id", {}),
])
def test_row_links_are_the_links_url_for_builds(app, endpoint, key, values):
    from flask import url_for

    from coalition.core.links import RowLinks

    with app.test_request_context("/"):
        links = RowLinks(endpoint, key, **values)
        for record_id in (1, 9, 10, 12345, 2**31 - 1):
            assert links(record_id) == url_for(endpoint, **values, **{key: record_id})


@pytest.mark.parametrize("sent", ["", "7", "8", "9", "10", "007", "x", "a", "<b>", "z", None])
def test_kept_choices_are_written_as_the_wtforms_select(app, sent):
    """Choices kept between requests are written once and then only marked, and checked
    against what is kept: the same markup as wtforms' own select and the same errors as plain
    choices, whatever is chosen, in request after request, and once a request's copy is
    changed."""
    from coalition.core.choices import KeptChoices
    from coalition.core.fields import SelectField, choice

    class Pick(Form):
        organization = choice("Organization", "an organization")
        kind = SelectField("Kind", choices=[])

    kept = KeptChoices([SelectChoice("", "Any"), SelectChoice("7", HOSTILE),
                        SelectChoice("8", "Eight"), SelectChoice("9", "Eight")])
    kept_kinds = KeptChoices([("a", "A"), ("<b>", None), "c"])
    with app.test_request_context("/"):
        for changed in (False, False, True):
            form, plain = (Pick(formdata=MultiDict({} if sent is None else
                                                   {"organization": sent, "kind": sent}),
                                meta={"csrf": False}) for _ in range(2))
            form.organization.choices = kept.choices_list()
            form.kind.choices = kept_kinds.choices_list()
            if changed:
                form.organization.choices.append(SelectChoice("10", "Ten"))
                form.kind.choices[0] = ("z", "Z")
            plain.organization.choices = list(form.organization.choices)
            plain.kind.choices = list(form.kind.choices)
            assert form.validate() == plain.validate()
            assert form.errors == plain.errors
            for field in (form.organization, form.kind):
                for keywords in KEYWORDS:
                    expected = Select.__call__(field.widget, field, **keywords)
                    assert str(field(**keywords)) == str(expected), (field.name, keywords)
    assert len(kept._written) == 1 and len(kept_kinds._written) == 1  # written once, kept
