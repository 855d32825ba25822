"""The rows of the risk board's section tables, written in one Python call per section instead
of a dozen Jinja expressions per row.

The markup is the one ``templates/risk/board.html`` wrote row by row, the whitespace included
(a test compares the two): codes are escaped, numbers and dates written as the template wrote
them. Nothing here identifies a person: the board shows codes and timing only.
"""

from __future__ import annotations

from markupsafe import Markup, escape

_ROW = ('\n      <tr>\n        <th scope="row"><a href="{link}">{code}</a></th>\n'
        '        <td>{presented}</td>\n        {cells}\n        \n      </tr>\n    ')


def _hours(value) -> str:
    return "—" if value is None else str(value)


def _cells(key: str, row, overdue_badge: str) -> str:
    if key == "new":
        return f"<td>{row.age_days} day{'' if row.age_days == 1 else 's'}</td>"
    if key == "concluded":
        concluded = row.concluded_on.isoformat() if row.concluded_on else "—"
        return (f"<td>{concluded}</td><td>{escape(row.outcome_label or '—')}</td>"
                f"<td>{_hours(row.hours_to_first_contact)}</td>")
    first = ("Not yet" if row.hours_to_first_contact is None
             else f"{row.hours_to_first_contact} hours after acceptance")
    return (f"<td>{_hours(row.hours_since_acceptance)} hours\n            "
            f"{overdue_badge if row.overdue else ''}</td>\n          <td>{first}</td>")


def section_rows(key: str, rows, situation_link, target_hours: int) -> Markup:
    """The ``<tr>`` of each of a section's rows (``BoardRow``), as the board's table shows
    them; ``situation_link`` gives a situation's address from its id."""
    badge = (f'<span class="badge text-bg-danger">No contact after {escape(target_hours)} '
             f'hours</span>')
    return Markup("".join(_ROW.format(  # noqa: S704 - every value is escaped or a number
        link=escape(situation_link(row.id)), code=escape(row.code),
        presented=row.presented_on.isoformat(), cells=_cells(key, row, badge))
        for row in rows))
