"""Select options written in one step: plain choices straight from the list, and choices kept
between requests (``core.kept``) written once, then only marked.

The markup is that of wtforms' ``Select`` widget (``render_option``); a test compares them.
"""

from __future__ import annotations

import operator
import re

from markupsafe import escape
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

_special = re.compile("[&<>\"']").search  # a plain str without these needs no escaping


def _plain_pairs(choices) -> list[tuple] | None:
    """``(value, written value, written label)`` of each plain option (``SelectChoice`` without
    attributes or group, ``(value, label)`` pair or string), as ``render_option`` writes them;
    None when any choice is of another kind."""
    pairs = []
    for choice in choices:
        kind = type(choice)
        if kind is SelectChoice:
            if choice.render_kw or choice.optgroup is not None:
                return None
            value, label = choice.value, choice.label
        elif kind is tuple and len(choice) == 2:
            value, label = choice
            if label is None:
                label = value
        elif kind is str:
            value = label = choice
        else:
            return None
        shown = str(value) if isinstance(value, bool) else value
        label = label or value
        pairs.append((value,
                      shown if type(shown) is str and _special(shown) is None else escape(shown),
                      label if type(label) is str and _special(label) is None else escape(label)))
    return pairs


def plain_options(field) -> str | None:
    """The options of a select whose choices are a list of plain options (``SelectChoice``
    without attributes or group, ``(value, label)`` pairs or strings), written straight from
    its choices as ``iter_choices`` and ``render_option`` would write them (an option is
    selected when ``coerce(value) == data``); None for any other kind of choices. Choices
    kept between requests (:class:`KeptChoices`) are written once, then only marked."""
    kind = type(field)
    if (kind.iter_choices is not SelectField.iter_choices
            or kind._choices_from_input is not SelectField._choices_from_input):
        return None
    choices = field.choices
    if not isinstance(choices, (list, tuple)):
        return None
    coerce, data = field.coerce, field.data
    source = getattr(choices, "kept_source", None)
    if source is not None and source.holds(choices):
        written = source.written(coerce, data)
        if written is not None:
            return written
    pairs = _plain_pairs(choices)
    if pairs is None:
        return None
    return "".join(f'<option{" selected" if coerce(value) == data else ""} value="{shown}">'
                   f"{label}</option>" for value, shown, label in pairs)


class ChoiceList(list):
    """A request's own copy of kept choices (it may change it), knowing where it came from."""

    kept_source: KeptChoices | None = None


class KeptChoices:
    """Select choices kept between requests (``core.kept``: roster names, vocabularies), each
    option written once per ``coerce``: a request then only marks the selected option, and
    ``SelectField.pre_validate`` looks the chosen value up (the people filter's organizations
    are some 150 options).

    :meth:`choices_list` gives each request a list of its own; while that list holds the very
    same choices, the select is written from what is kept, with the markup ``plain_options``
    writes (a test compares them); once changed, it is written afresh."""

    def __init__(self, choices):
        self.choices = tuple(choices)
        self._written: dict = {}

    def choices_list(self) -> ChoiceList:
        copy = ChoiceList(self.choices)
        copy.kept_source = self
        return copy

    def holds(self, choices) -> bool:
        return len(choices) == len(self.choices) and all(map(operator.is_, choices,
                                                             self.choices))

    def written(self, coerce, data) -> str | None:
        """The options with the one(s) whose ``coerce(value) == data`` selected; None when the
        choices are not all plain, a value does not coerce, or ``data`` cannot be looked up."""
        kept = self._kept(coerce)
        if kept is None:
            return None
        plain, selected, positions, joined = kept
        try:
            chosen = positions.get(data)
        except TypeError:  # unhashable data: compare option by option
            return None
        if chosen is None:
            return joined
        marked = list(plain)
        for position in chosen:
            marked[position] = selected[position]
        return "".join(marked)

    def offers(self, coerce, data) -> bool | None:
        """Whether an option's ``coerce(value) == data`` (None when that cannot be looked up)."""
        kept = self._kept(coerce)
        if kept is None:
            return None
        try:
            return data in kept[2]
        except TypeError:
            return None

    def _kept(self, coerce):
        kept = self._written.get(coerce)
        if kept is None:
            kept = self._written[coerce] = self._write(coerce)
        return kept or None

    def _write(self, coerce):
        pairs = _plain_pairs(self.choices)
        if pairs is None:
            return False
        plain, selected, positions = [], [], {}
        for position, (value, shown, label) in enumerate(pairs):
            try:
                coerced = coerce(value)
                positions.setdefault(coerced, []).append(position)
            except (TypeError, ValueError):
                return False
            plain.append(f'<option value="{shown}">{label}</option>')
            selected.append(f'<option selected value="{shown}">{label}</option>')
        return plain, selected, positions, "".join(plain)
