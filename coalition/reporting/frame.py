"""The frame every report printed from the reporting screen shares (reports/_report.html):
cover, contents, data notes. A report's ``build`` returns ``{"report": frame(...), ...}``."""

from __future__ import annotations

from coalition.core.localtime import local_today
from coalition.core.suppression import Policy
from coalition.reporting.catalog import AUDIENCES, PUBLIC
from coalition.reporting.periods import Period

INTERNAL_MARK = "INTERNAL — for the coalition's members only"


def frame(*, title: str, kind_label: str, table_name: str, period: Period, audience: str,
          policy: Policy, contents: list[tuple[str, str]], notes: list[str] = ()) -> dict:
    return {
        "title": title,
        "kind_label": kind_label,
        "table_name": table_name,
        "period_label": period.label,
        "period_range": f"{period.start:%B %-d, %Y} to {period.end:%B %-d, %Y}",
        "audience": audience,
        "audience_label": AUDIENCES[audience],
        "public": audience == PUBLIC,
        "generated_on": f"{local_today():%B %-d, %Y}",
        "threshold": policy.threshold,
        "marker": policy.marker,
        "rule": policy.rule,
        "internal_mark": INTERNAL_MARK,
        "contents": list(contents),
        "notes": list(notes),
    }
