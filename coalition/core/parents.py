"""Rows with several kinds of parent: one nullable foreign key per kind, and a CHECK.

An action item comes from a meeting, a recommendation or a case; an agenda item may be about an
action item, a risk situation or a fatality case. The row has one foreign key column per kind of
parent — never a ``(type, id)`` pair — and a CHECK that exactly one (or at most one) is set.
Which kinds exist is not known to the domain that owns the row: each domain that owns a kind of
parent declares its column here, from its own models module, so the CHECK always covers every
column that exists.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer


class ParentColumns:
    """The parent columns of ``model`` and their CHECK named ``check_name``: ``= 1`` when a row
    must have exactly one parent, ``<= 1`` when it may have none."""

    def __init__(self, model, check_name: str, *, exactly_one: bool):
        self.model = model
        self.check_name = check_name
        self.exactly_one = exactly_one
        self.names: list[str] = []
        self._check: CheckConstraint | None = None

    def add(self, name: str, target: str, *, ondelete: str = "SET NULL",
            use_alter: bool = False) -> Column:
        """Declare the foreign key column ``name`` → ``target`` (idempotent) and widen the
        CHECK to cover it."""
        if name in self.names:
            return self.model.__table__.c[name]
        column = Column(name, Integer, ForeignKey(target, ondelete=ondelete, use_alter=use_alter),
                        nullable=True, index=True)
        setattr(self.model, name, column)
        self.names.append(name)
        self._refresh_check()
        return self.model.__table__.c[name]

    def sql(self) -> str:
        """The CHECK's condition over the columns declared so far."""
        count = " + ".join(f"(CASE WHEN {name} IS NULL THEN 0 ELSE 1 END)" for name in self.names)
        return f"{count} {'=' if self.exactly_one else '<='} 1"

    def _refresh_check(self) -> None:
        table = self.model.__table__
        if self._check is not None:
            table.constraints.discard(self._check)
        self._check = CheckConstraint(self.sql(), name=self.check_name)
        table.append_constraint(self._check)

    def set_on(self, row) -> list[str]:
        """The names of the parent columns set on ``row``."""
        return [name for name in self.names if getattr(row, name) is not None]
