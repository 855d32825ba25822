"""Warnings about what looks like an identifier in the de-identified description (filter 2):
dates of birth, phone numbers, e-mail addresses and capitalised two-word names. They warn and
never refuse: the originating agency rereads its text."""

from __future__ import annotations

import re

_DATE_PATTERNS = (
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"),
    re.compile(r"\b(?:19|20)\d{2}[/.-]\d{1,2}[/.-]\d{1,2}\b"),
)
_PHONE = re.compile(r"(?<![\w/.-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b"
                    r"|(?<![\w/.-])\d{3}[\s.-]\d{4}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NAME = re.compile(r"\b([A-Z][a-z]+) ([A-Z][a-z]+)\b")
# Capitalised words that often start a sentence or name a place or service, not a person.
_NOT_NAMES = frozenset("""
    A An The He She They His Her Their Its This That These Those Person Client Adult Youth Male
    Female Man Woman Mother Father Son Daughter Family Police Officer Sheriff Fire Department
    Hospital Emergency Medical Center Centre Clinic County City Street Avenue Road Park Services
    Service Health Mental Harm Reduction Treatment Recovery Peer Naloxone Narcan Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December Last Next On In At After Before Since Was Has Had Is
    No Not Unknown Recently Prior Lives Living Found Referred Reported
""".split())


def summary_warnings(*texts: str, names=()) -> list[str]:
    """Warnings about what looks like an identifier in free text (de-identified fields)."""
    text = "\n".join(t for t in texts if t)
    warnings = []
    if any(pattern.search(text) for pattern in _DATE_PATTERNS):
        warnings.append("The description seems to contain a date of birth or another full "
                        "date. Use an age range instead.")
    if _PHONE.search(text):
        warnings.append("The description seems to contain a phone number.")
    if _EMAIL.search(text):
        warnings.append("The description seems to contain an e-mail address.")
    if any(first not in _NOT_NAMES and last not in _NOT_NAMES
           for first, last in _NAME.findall(text)):
        warnings.append("The description seems to contain a person's name.")
    folded = text.casefold()
    for name in names:
        parts = [part for part in re.split(r"\W+", name.casefold()) if len(part) >= 3]
        if parts and any(re.search(rf"\b{re.escape(part)}\b", folded) for part in parts):
            warnings.append("The description contains the name recorded as the person's "
                            "identity. Remove it from the description.")
            break
    return warnings
