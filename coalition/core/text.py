"""What people type, checked once for every field: length, invisible characters, CSV safety.

Every service cleans free text with :func:`clean` (so the CLI and tests get the same rules as the
screens), and every form runs :func:`problem` on its text fields (``core.fields.Form``), so the
message appears next to the field before anything is saved.

Refused everywhere: control characters (NUL included: PostgreSQL cannot store it; line breaks and
tabs are allowed in multi-line text), lone surrogates, direction overrides and isolates (they make
a name read backwards on screen and in exports) and zero-width or otherwise invisible characters.
The zero-width joiners that some scripts and emoji need are allowed inside a text, not at its
start.
"""

from __future__ import annotations

import unicodedata

from coalition.core.errors import ServiceError

CONTROL_MESSAGE = "Remove the invisible control characters from this field."
HIDDEN_MESSAGE = ("Remove the invisible characters (direction marks or zero-width characters) "
                  "from this field.")

DIRECTION_MARKS = frozenset(
    chr(code) for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A)))
INVISIBLE = frozenset(
    chr(code) for code in (0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x200B,
                           *range(0x2060, 0x2065), 0x3164, 0xFEFF, 0xFFA0))
JOINERS = frozenset({"\u200c", "\u200d"})
LINE_BREAKS = frozenset("\n\r\t")


def problem(value: str | None, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as typed, or None."""
    if not value:
        return None
    if value[0] in JOINERS:
        return HIDDEN_MESSAGE
    for char in value:
        if char in DIRECTION_MARKS or char in INVISIBLE:
            return HIDDEN_MESSAGE
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in LINE_BREAKS):
            return CONTROL_MESSAGE
        if category == "Cs":
            return CONTROL_MESSAGE
    return None


def clean(value, *, field: str | None, max_length: int, required: str | None = None,
          multiline: bool = False) -> str:
    """``value`` stripped and checked: present if ``required`` (its message), at most
    ``max_length`` characters, free of the characters refused above. Multi-line text keeps its
    line breaks (as ``\\n``). Raises :class:`ServiceError` naming ``field``."""
    if value is not None and not isinstance(value, str):
        raise ServiceError("Enter text.", field=field)
    value = (value or "").strip()
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if required and not value:
        raise ServiceError(required, field=field)
    if len(value) > max_length:
        raise ServiceError(f"Use at most {max_length} characters.", field=field)
    message = problem(value, multiline=multiline)
    if message:
        raise ServiceError(message, field=field)
    return value


# --- CSV cells ----------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@")
LEADING_NOISE = frozenset("\t\r\n ") | DIRECTION_MARKS | INVISIBLE | JOINERS


def csv_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula.

    Text whose first visible character is a formula sign (``= + - @``, their full-width forms,
    or one hidden behind spaces, tabs, line breaks or invisible characters) gets a leading single
    quote, and invisible direction marks are dropped so a name cannot be shown reversed.
    """
    text = "" if value is None else str(value)
    text = "".join(char for char in text if char not in DIRECTION_MARKS)
    probe = text.lstrip("".join(LEADING_NOISE))
    if text[:1] in ("\t", "\r") or (
            probe and unicodedata.normalize("NFKC", probe[0]).startswith(FORMULA_STARTS)):
        return "'" + text
    return text
