"""The case page's form fields, written (the ``field`` and ``form_errors`` macros of
``_macros.html``) before the page is rendered.

A form shown blank writes the same markup on every case that shows it: the workflow's moves
from a status, the table's checklist (each criterion with each of its three answers), the
table's owners for a case action item, the request form's own fields. That markup is written
once and kept until the data changes (``core.kept``): it holds the workflow, the checklist and
the roster, never a case's data; the case's own choices (its answers) are picked from it per
request. A form sent back with errors is written afresh, with what was typed.
"""

from __future__ import annotations

from flask import get_template_attribute

from coalition.core.fields import options
from coalition.core.kept import kept
from coalition.ofr import services as ofr
from coalition.ofr.forms import CaseActionForm, RequestForm, StatusForm, criteria_form
from coalition.ofr.models import CASE_STATUSES, CRITERION_RESULTS

REQUEST_FIELDS = ("other_agency", "requested_on", "due_on", "is_part2")
ACTION_FIELDS = ("title", "owner_id", "due_on")


def written(form, names) -> dict:
    """The form's errors and the named fields as the page writes them."""
    field = get_template_attribute("_macros.html", "field")
    shown = {name: field(form[name]) for name in names}
    shown["errors"] = get_template_attribute("_macros.html", "form_errors")(form)
    return shown


def status_choices(status: str) -> list:
    return options([(code, CASE_STATUSES[code]) for code in ofr.TRANSITIONS[status]])


def status_fields(status: str, form=None) -> dict:
    """The status form of a case in ``status``; kept per status when blank (its moves are the
    workflow's)."""
    def write(form):
        return dict(written(form, ("status", "reason")), shown=bool(form.status.choices))
    if form is not None:
        return write(form)

    def build():
        blank = StatusForm(formdata=None)
        blank.status.choices = status_choices(status)
        return write(blank)
    return kept("ofr.status_fields", status, build)


def criteria_fields(criteria, answers: dict[int, str], form=None) -> dict:
    """The checklist's form: ``fields`` holds each criterion's select as the page writes it.
    Blank, each criterion is written once with each answer (kept per checklist) and the case's
    answer picked; sent back, the form is written as typed."""
    if form is not None:
        field = get_template_attribute("_macros.html", "field")
        return {"errors": written(form, ())["errors"],
                "fields": {c.id: field(form[f"criterion_{c.id}"]) for c in criteria}}
    checklist = tuple((c.id, c.label) for c in criteria)

    def build():
        field = get_template_attribute("_macros.html", "field")
        variants = {}
        for result in CRITERION_RESULTS:
            blank = criteria_form(criteria, {c.id: result for c in criteria})
            variants.update({(c.id, result): field(blank[f"criterion_{c.id}"])
                             for c in criteria})
        return {"errors": written(criteria_form(criteria, {}), ())["errors"],
                "variants": variants}

    kept_fields = kept("ofr.criteria_fields", checklist, build)
    variants, chosen = kept_fields["variants"], {}
    for criterion in criteria:
        picked = variants.get((criterion.id, answers.get(criterion.id, "unknown")))
        if picked is None:  # not one of the three answers: written as the form writes it
            return criteria_fields(criteria, answers, criteria_form(criteria, answers))
        chosen[criterion.id] = picked
    return {"errors": kept_fields["errors"], "fields": chosen}


def request_fields(form=None) -> dict:
    """The request form's own fields (not its agencies: those the case has not asked yet)."""
    if form is not None:
        return written(form, REQUEST_FIELDS)
    return kept("ofr.request_fields", (), lambda: written(RequestForm(formdata=None),
                                                          REQUEST_FIELDS))


def action_fields(table, form=None) -> dict:
    """The case action item form: kept per table when blank (its owners are the table's)."""
    if form is not None:
        return written(form, ACTION_FIELDS)

    def build():
        blank = CaseActionForm(formdata=None)
        blank.owner_id.choices = owner_choices(table)
        return written(blank, ACTION_FIELDS)
    return kept("ofr.action_fields", table.id, build)


def owner_choices(table) -> list:
    return options(ofr.kept_table_seats(table).owners, blank="Choose an owner")
