"""Human codes of records, numbered per year: ``RS-2026-0042``, ``OFR-2026-0007``.

The next number is one more than the highest code of the prefix; a concurrent insert that took
the same number makes the savepoint fail (the code column is unique) and the next number is
tried, a few times.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coalition.core.errors import ServiceError
from coalition.extensions import db

CODE_ATTEMPTS = 5


def latest_number(column, prefix: str) -> int:
    """The number of the highest ``column`` value starting with ``prefix`` (0 if none)."""
    latest = db.session.scalar(
        select(column).where(column.like(f"{prefix}%"))
        .order_by(func.length(column).desc(), column.desc()).limit(1))
    number = latest[len(prefix):] if latest else ""
    return int(number) if number.isdigit() else 0


def insert_with_code(record, column, prefix: str, *, thing: str) -> None:
    """Add ``record`` with the next code of ``prefix`` in ``column`` (its attribute of the same
    name), flushed under a savepoint."""
    for _ in range(CODE_ATTEMPTS):
        setattr(record, column.key, f"{prefix}{latest_number(column, prefix) + 1:04d}")
        try:
            with db.session.begin_nested():
                db.session.add(record)
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise ServiceError(f"Another {thing} was saved at the same moment. Please save again.")
