"""Two people editing the same record: the second save is told, and nothing is lost.

Every editable record has a ``version_id`` column (SQLAlchemy's ``version_id_col``). An edit form
carries the version it started from; the service calls :func:`check_version` before changing
anything, and a save that slips in between that check and the flush makes the database refuse
the stale version, which :func:`coalition.core.web.perform` turns into the same
:class:`EditConflict`. The view then shows what is saved now next to what was typed (the conflict
page), and the form answers the newer version, so saving again is a deliberate choice.
"""

from __future__ import annotations

from datetime import date, time

from coalition.core.errors import ServiceError


class EditConflict(ServiceError):
    """The record changed after the editor loaded it; nothing was saved."""

    def __init__(self, thing: str = "record"):
        super().__init__(
            f"Someone else saved a change to this {thing} while you were working on it. What "
            "is saved now is shown, and what you typed is still in the form: review it and save "
            "again.")
        self.thing = thing


def submitted_version(raw) -> int | None:
    """The version an edit form started from (None if it is missing or unreadable)."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def check_version(obj, raw, thing: str = "record") -> None:
    """Refuse the edit when ``obj`` is no longer at the version the form started from."""
    if submitted_version(raw) != obj.version_id:
        raise EditConflict(thing)


# --- the conflict page --------------------------------------------------------------------------

SKIPPED_FIELDS = ("HiddenField", "CSRFTokenField", "SubmitField")


def _shown(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.type == "BooleanField":
        return "Yes" if value else "No"
    if isinstance(value, date | time):
        return value.isoformat()
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(getattr(c, "value", c[0] if isinstance(c, tuple) else c)):
                  str(getattr(c, "label", c[1] if isinstance(c, tuple) else c)) for c in choices}
        return labels.get(str(value), str(value))
    return str(value)


def conflict_rows(form, saved: dict) -> list[dict]:
    """For the conflict page: each field of ``form`` found in ``saved`` (what is stored now),
    with the saved value, what was typed, and whether they differ."""
    rows = []
    for field in form:
        if field.type in SKIPPED_FIELDS or field.name not in saved:
            continue
        theirs, yours = _shown(field, saved[field.name]), _shown(field, field.data)
        rows.append({"label": field.label.text, "saved": theirs, "yours": yours,
                     "differs": theirs != yours})
    return rows


def saved_values(form, obj) -> dict:
    """``{field name: value}`` of the attributes of ``obj`` that ``form`` edits."""
    return {field.name: getattr(obj, field.name) for field in form
            if field.type not in SKIPPED_FIELDS and hasattr(obj, field.name)}
