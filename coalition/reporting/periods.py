"""Report periods: a year, a quarter or chosen dates, in the coalition's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from coalition.core.errors import ServiceError

EARLIEST_YEAR = 2000
MAX_DAYS = 366 * 10


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def as_params(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def year(value: int) -> Period:
    return Period(date(value, 1, 1), date(value, 12, 31), str(value))


def quarter(value: int, number: int) -> Period:
    if number not in (1, 2, 3, 4):
        raise ServiceError("Choose a quarter from 1 to 4.", field="quarter")
    start = date(value, 3 * number - 2, 1)
    end = (date(value + 1, 1, 1) if number == 4 else date(value, 3 * number + 1, 1))
    return Period(start, end - timedelta(days=1), f"Q{number} {value}")


def custom(start: date | None, end: date | None) -> Period:
    if start is None:
        raise ServiceError("Enter the first day of the period.", field="start")
    if end is None:
        raise ServiceError("Enter the last day of the period.", field="end")
    if end < start:
        raise ServiceError("The period ends before it starts.", field="end")
    if (end - start).days > MAX_DAYS:
        raise ServiceError("A period is at most ten years.", field="end")
    return Period(start, end, f"{start:%B %-d, %Y} to {end:%B %-d, %Y}")


def choose(kind: str, *, year_value: int | None, quarter_value: int | None = None,
           start: date | None = None, end: date | None = None, today: date) -> Period:
    """The period a form asked for; the year defaults to the current one."""
    if kind == "custom":
        return custom(start, end)
    chosen = year_value or today.year
    if not EARLIEST_YEAR <= chosen <= today.year + 1:
        raise ServiceError(f"Choose a year from {EARLIEST_YEAR} to {today.year + 1}.",
                           field="year")
    if kind == "quarter":
        return quarter(chosen, quarter_value or 0)
    if kind == "year":
        return year(chosen)
    raise ServiceError("Choose a year, a quarter or dates.", field="period")
