"""Checks on the values callers send, shared by the roster verbs (and the forms)."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from coalition.core.db import MAX_RECORD_ID
from coalition.core.errors import ServiceError

NOTES_MAX = 5000
WEBSITE_MESSAGE = "Enter a web address starting with http:// or https://, like https://agency.org."


def _clean(value, *, field: str, max_length: int, required: str | None = None,
           multiline: bool = False) -> str:
    """Strip ``value`` and check it: present if ``required`` (the message), not too long, and
    free of control characters (line breaks allowed when ``multiline``)."""
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(required, field=field)
    if len(value) > max_length:
        raise ServiceError(f"Use at most {max_length} characters.", field=field)
    allowed = "\n\r\t" if multiline else ""
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value):
        raise ServiceError("Remove the control characters from this text.", field=field)
    return value


def web_address_problem(value: str | None) -> str | None:
    """Why ``value`` is not an http(s) web address, or None if it is one (or is empty)."""
    if not value:
        return None
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in value):
        return WEBSITE_MESSAGE
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return WEBSITE_MESSAGE
    if parts.scheme.lower() not in ("http", "https") or not host:
        return WEBSITE_MESSAGE
    return None


def valid_id(value) -> int | None:
    """``value`` as a row id, or None if it cannot be one (not an int, <= 0, too large)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_RECORD_ID:
        return None
    return value
