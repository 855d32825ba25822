"""Filters the roster's list queries share."""

from __future__ import annotations

STATUSES = ("active", "inactive", "all")


def _status_clause(column, status: str | None):
    if status == "inactive":
        return column.is_(False)
    if status == "all":
        return None
    return column.is_(True)


def _like(text: str) -> str:
    return text.strip().casefold()
