"""What a table holds that ties it to its kind.

A table's kind decides who may see what it holds: a risk review or fatality review table is
need-to-know, a coalition table is shown to everyone signed in. Once a table holds case material
(situations, referrals, deaths, case agenda items, case action items) or recommendations, its
kind may no longer change: the material would otherwise land at a table whose screens and rules
were not made for it. Each domain registers what it keeps at a table, so the roster does not
import the domains that build on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, literal, select, union_all

from coalition.extensions import db


@dataclass(frozen=True)
class Holding:
    """``label`` (plural, as read in a sentence) and the rows of ``table_id`` that count."""

    label: str
    table_id: ColumnElement
    where: ColumnElement | None = None


_HOLDINGS: list[Holding] = []


def register_holding(holding: Holding) -> None:
    if all(h.label != holding.label for h in _HOLDINGS):
        _HOLDINGS.append(holding)


def holdings_of(table_id: int) -> list[str]:
    """The labels of what the table holds, in registration order, in one query."""
    if not _HOLDINGS:
        return []
    checks = []
    for position, holding in enumerate(_HOLDINGS):
        condition = holding.table_id == table_id
        if holding.where is not None:
            condition = condition & holding.where
        checks.append(select(literal(position).label("position"))
                      .where(exists().where(condition)))
    found = db.session.scalars(union_all(*checks)).all()
    return [_HOLDINGS[position].label for position in sorted(found)]
