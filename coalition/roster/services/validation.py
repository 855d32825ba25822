"""Checks on web addresses, shared by the roster verbs and forms."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

NOTES_MAX = 5000
WEBSITE_MESSAGE = "Enter a web address starting with http:// or https://, like https://agency.org."


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
