"""Sorting people's names as a list of people is read: by surname, whatever title or suffix the
name carries ("Dr. Ana Ruiz" sorts under R, "Chief Tom Hale Jr." under H)."""

from __future__ import annotations

TITLES = frozenset({
    "capt", "captain", "chief", "cmdr", "commissioner", "councilmember", "dep", "deputy", "det",
    "director", "dr", "fr", "hon", "judge", "lt", "mayor", "miss", "mr", "mrs", "ms", "mx",
    "officer", "prof", "rev", "sgt", "sheriff", "sr", "sister",
})
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "md", "phd", "rn", "np", "lcsw", "esq",
                      "do", "pa", "cadc", "lpc", "msw"})


def _bare(word: str) -> str:
    return word.strip(".,").casefold()


def surname_key(name: str) -> tuple[str, str]:
    """``(surname, the whole name)``, case-insensitive, for ``sorted(..., key=...)``."""
    words = [w for w in name.replace(",", " ").split() if w.strip(".")]
    while len(words) > 1 and _bare(words[-1]) in SUFFIXES:
        words.pop()
    while len(words) > 1 and _bare(words[0]) in TITLES:
        words.pop(0)
    surname = words[-1] if words else name
    return _bare(surname), " ".join(words).casefold()
