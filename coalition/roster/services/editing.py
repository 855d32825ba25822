"""Saving an edit: the optimistic-concurrency check and the audit row of what changed."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from coalition.core import audit
from coalition.core.errors import ServiceError
from coalition.extensions import db


class EditConflict(ServiceError):
    """The record changed since the form was loaded (optimistic concurrency)."""

    def __init__(self, thing: str):
        super().__init__(
            f"Someone else changed this {thing} while you were editing. Their version is shown "
            "below and your changes are still in the form: review them and save again."
        )


def _check_version(obj, version_id, thing: str) -> None:
    try:
        version_id = int(version_id)
    except (TypeError, ValueError):
        version_id = None
    if version_id != obj.version_id:
        raise EditConflict(thing)


def _flush_update(thing: str) -> None:
    """Flush an edit; a concurrent save that slipped in after the version check is a conflict."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise EditConflict(thing) from error


def _log_change(actor, obj, before: dict, after: dict, was_active: bool | None = None) -> bool:
    """Write one audit row for an edit (``deactivate``/``reactivate`` when the status flips)."""
    if before == after:
        return False
    action = "update"
    if was_active is not None and was_active != after.get("active"):
        action = "reactivate" if after.get("active") else "deactivate"
    audit.log(actor, action, obj, summary=audit.describe_changes(before, after))
    return True
