"""What an agenda item can be about: the registry of agenda subjects.

An agenda line may report on something another domain owns — an action item due, a risk
situation to update, a fatality case selected for the meeting, a recommendation due for a status
update. The owning domain declares the foreign key on ``agenda_items`` from its own module
(:func:`declare_subject_column`, while the models load) and registers the subject from its
``init_app`` (:func:`register_subject`): its badge label, the template partial shown with the
item on the agenda and run screens, and whether the carried-over rule copies items about it
(subjects that the owner's own agenda rule lists again while they are open are not carried). An
item has at most one subject: the CHECK follows the declared columns. Meetings code loops over
this registry and names no subject.
"""

from __future__ import annotations

from dataclasses import dataclass

from coalition.core.parents import ParentColumns
from coalition.meetings.models import AgendaItem

SUBJECT_COLUMNS = ParentColumns(AgendaItem, "one_subject", exactly_one=False)


@dataclass(frozen=True)
class AgendaSubject:
    key: str  # "action_item", "situation", ...
    column: str  # its foreign key on agenda_items
    label: str  # the badge on the agenda ("Action item")
    # Rendered with the item on the agenda (view="agenda") and run screens (view="run"); it
    # receives ``item``, ``subject_id``, ``meeting`` and ``view``.
    partial: str
    carried_over: bool = False  # copied by the carried-over rule to the next agenda
    timed: bool = False  # its partial shows a timer on the run screen (static/js/timer.js)


SUBJECTS: dict[str, AgendaSubject] = {}


def declare_subject_column(name: str, target: str, *, use_alter: bool = False) -> None:
    """Add the foreign key ``agenda_items.<name>`` → ``target`` (from the owner's models)."""
    SUBJECT_COLUMNS.add(name, target, ondelete="SET NULL", use_alter=use_alter)


def register_subject(subject: AgendaSubject) -> AgendaSubject:
    if subject.column not in SUBJECT_COLUMNS.names:
        raise ValueError(f"declare agenda_items.{subject.column} before registering "
                         f"the {subject.key!r} subject")
    SUBJECTS[subject.key] = subject
    return subject


def subject_of(item: AgendaItem) -> tuple[AgendaSubject, int] | None:
    """What ``item`` is about, as ``(subject, id)``, or None."""
    for subject in SUBJECTS.values():
        value = getattr(item, subject.column, None)
        if value is not None:
            return subject, value
    return None


def subject_ids(item: AgendaItem) -> dict[str, int]:
    """``{subject key: id}`` for ``item`` (empty when it is about nothing)."""
    found = subject_of(item)
    return {found[0].key: found[1]} if found else {}


def relisted_columns() -> list[str]:
    """The subject columns whose items the carried-over rule leaves to their owner's rules."""
    return [subject.column for subject in SUBJECTS.values() if not subject.carried_over]


def any_timed(items) -> bool:
    """Whether the run screen needs the timer script for ``items``."""
    return any(found[0].timed for found in map(subject_of, items) if found is not None)
