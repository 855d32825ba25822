"""The coalition's local time: meetings are typed and shown in it, and stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_utc(local: datetime) -> datetime:
    """A wall-clock time typed in the coalition's zone (naive or aware) as an aware UTC time."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=local_zone())
    return local.astimezone(UTC)


def combine_local(day: date, at: time) -> datetime:
    """A local date and time of day as an aware UTC time."""
    return to_utc(datetime.combine(day, at))


def to_local(moment: datetime) -> datetime:
    """An aware (or naive UTC) time in the coalition's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())


def local_today() -> date:
    return datetime.now(local_zone()).date()


def format_local(moment: datetime | None, fmt: str = "%a %b %-d, %Y %-I:%M %p") -> str:
    """Jinja filter ``local``: an aware time shown in the coalition's zone."""
    if moment is None:
        return ""
    return to_local(moment).strftime(fmt)


def local_date(moment: datetime) -> date:
    """Jinja filter ``local_date``: the coalition's date at an aware (or naive UTC) time."""
    return to_local(moment).date()


def init_app(app) -> None:
    app.add_template_filter(format_local, "local")
    app.add_template_filter(local_date, "local_date")
