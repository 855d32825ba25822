"""The reports a leader can print from the reporting screen: each domain registers its own.

A :class:`Report` says which tables it is for, for which audiences, and how to build its
context — a plain dict of primitive values, already permission-filtered and (for the public)
suppressed with :mod:`coalition.core.suppression` — and which key numbers to preview on screen.
The reporting screen lists what is registered, checks who may print, renders the PDF with
:mod:`coalition.core.pdf` and writes one audit row per generation. This module imports no
domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

PUBLIC = "public"
INTERNAL = "internal"
AUDIENCES = {PUBLIC: "Public (suppressed)", INTERNAL: "Internal (the table's members)"}


@dataclass(frozen=True)
class Report:
    """One printable report.

    ``build(actor, table, period, audience, policy)`` returns the template's context;
    ``preview(context)`` the (label, value) pairs shown before downloading;
    ``may_print(user, table, audience)`` is checked on top of the route's leader level.
    """

    key: str
    title: str
    summary: str
    table_kinds: frozenset[str]
    template: str
    build: Callable
    preview: Callable
    audiences: tuple[str, ...] = (PUBLIC, INTERNAL)
    may_print: Callable = field(default=lambda user, table, audience: True)
    order: int = 100


_REPORTS: dict[str, Report] = {}


def register(report: Report) -> None:
    if report.key in _REPORTS and _REPORTS[report.key] != report:
        raise ValueError(f"report {report.key!r} is registered twice")
    _REPORTS[report.key] = report


def reports() -> list[Report]:
    return sorted(_REPORTS.values(), key=lambda r: (r.order, r.title))


def get(key: str) -> Report | None:
    return _REPORTS.get(key)
