"""Two people editing the same record: the second save is told, and nothing is lost.

Every editable record has a ``version_id`` column (SQLAlchemy's ``version_id_col``). An edit form
carries the version it started from; the service calls :func:`check_version` before changing
anything, and a save that slips in between that check and the flush makes the database refuse
the stale version, which :func:`coalition.core.web.perform` turns into the same
:class:`EditConflict`. The view then shows what is saved now next to what was typed (the conflict
page), and the form answers the newer version, so saving again is a deliberate choice.
"""

from __future__ import annotations

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
