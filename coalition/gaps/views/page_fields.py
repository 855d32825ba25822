"""The recommendation page's forms for the committee's decision and for a work plan item,
written (the ``field`` and ``form_errors`` macros of ``_macros.html``) before the page is
rendered.

Shown blank, these forms write the same markup on every recommendation that shows them: the
decision's choices, and a work plan item with the owners of the recommendation's table. That
markup is written once and kept until the data changes (``core.kept``): it holds vocabulary and
the table's roster (names), nothing of a recommendation or a case. A form sent back with errors
is written afresh, with what was typed.
"""

from __future__ import annotations

from flask import get_template_attribute

from coalition.core.fields import options
from coalition.core.kept import kept
from coalition.gaps.forms import DecisionForm, WorkItemForm, written_options
from coalition.roster import seats

DECISION_FIELDS = ("decision", "decision_note")
WORK_FIELDS = ("title", "owner_id", "due_on")


def written(form, names) -> dict:
    """The form's errors and the named fields as the page writes them."""
    field = get_template_attribute("_macros.html", "field")
    shown = {name: field(form[name]) for name in names}
    shown["errors"] = get_template_attribute("_macros.html", "form_errors")(form)
    return shown


def seat_choices(table_id: int) -> list:
    """The owners a work plan item may be given: the roster of the table (names only)."""
    return list(kept("roster.seat_choices", table_id,
                     lambda: tuple(seats.seat_choices(table_id))))


def with_owners(form: WorkItemForm, table_id: int) -> WorkItemForm:
    """The work plan item form with the table's owners to choose from."""
    owner = form.owner_id
    owner.choices = options(seat_choices(table_id), blank="Choose an owner")
    # the roster's options written once per table and selected owner (names, not case
    # material), as the kept roster itself
    owner.kept_options = kept("gaps.owner_options", (table_id, str(owner.data)),
                              lambda: written_options(owner))
    return form


def work_fields(table_id: int, form: WorkItemForm | None = None) -> dict:
    """The work plan item form as the page writes it: blank (``form`` None), kept per table."""
    if form is not None:
        return written(with_owners(form, table_id), WORK_FIELDS)
    return kept("gaps.work_fields", table_id, lambda: written(
        with_owners(WorkItemForm(formdata=None), table_id), WORK_FIELDS))


def decision_fields(form: DecisionForm | None = None) -> dict:
    """The committee's decision form as the page writes it: blank (``form`` None), kept."""
    if form is not None:
        return written(form, DECISION_FIELDS)
    return kept("gaps.decision_fields", (), lambda: written(DecisionForm(formdata=None),
                                                             DECISION_FIELDS))
