"""The deaths list's rows, written in one pass: the markup the list's row loop wrote (a test
compares them), without a template's per-cell lookups and filters for each of a page's rows."""

from __future__ import annotations

from markupsafe import Markup, escape

from coalition.core.links import RowLinks
from coalition.core.localtime import format_local


def written_rows(rows: list[dict]) -> Markup:
    """The ``<tr>`` of each shown row (:func:`ofr.services.shown_row`), as the template wrote
    them between its ``for`` and ``endfor`` (with their line breaks and indents). Its numbers
    (age, share, requests) and dates of death are written as they are: nothing in them to
    escape."""
    link = RowLinks("ofr.case_detail", "case_id")
    written = []
    for row in rows:
        death, age, meeting, overdue = (row["date_of_death"], row["age"],
                                        row["meeting_starts_at"], row["overdue"])
        badge = (f' <span class="badge badge-expired">{int(overdue)} overdue</span>'
                 if overdue else "")
        written.append(
            f'\n    <tr>\n      <td><a href="{escape(link(row["id"]))}">{escape(row["code"])}'
            f'</a></td>\n'
            f'      <td>{death.isoformat() if death else "Unknown"}</td>\n'
            f'      <td>{int(age) if age is not None else "Unknown"}</td>\n'
            f'      <td>{escape(row["county_of_death"] or "Unknown")}</td>\n'
            f'      <td>{escape(row["status_label"])}</td>\n'
            f'      <td>{escape(format_local(meeting, "%b %-d, %Y")) if meeting else "—"}</td>\n'
            f'      <td>{int(row["percent"])} %</td>\n'
            f'      <td>{int(row["requests"])}{badge}</td>\n    </tr>\n  ')
    return Markup("".join(written))  # noqa: S704 - every text in it is escaped here
