"""The audit row of a roster edit: what changed, and whether the record was (de)activated."""

from __future__ import annotations

from coalition.core import audit


def log_change(actor, obj, before: dict, after: dict, was_active: bool | None = None) -> bool:
    """Write one audit row for an edit (``deactivate``/``reactivate`` when the status flips).
    Returns whether anything changed."""
    if before == after:
        return False
    action = "update"
    if was_active is not None and was_active != after.get("active"):
        action = "reactivate" if after.get("active") else "deactivate"
    audit.log(actor, action, obj, summary=audit.describe_changes(before, after))
    return True
