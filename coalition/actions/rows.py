"""The rows of the action item tables ("My action items", the coalition list, "Items I
assigned"), written in one Python call per page instead of some twenty Jinja expressions per row.

The markup is the one ``templates/actions/_macros.html`` wrote row by row (a test compares the
two): every value is escaped, and a case item the viewer may not read in full (``redacted``) is
named by its code and table only.
"""

from __future__ import annotations

from flask import Blueprint
from markupsafe import Markup, escape

from coalition.core.links import RowLinks

# the badge of each due state ("later" and "closed" have none)
STATE_BADGES = {"overdue": '<span class="badge badge-expired">Overdue</span>',
                "due_soon": '<span class="badge badge-expiring">Due soon</span>',
                "later": "", "closed": ""}
CASE_BADGE = ' <span class="badge text-bg-danger">Case</span>'


def item_rows(items, today, soon_days, *, show_owner: bool = True, redacted=()) -> Markup:
    """The ``<tr>`` of each item, as the list tables show them (the whitespace included)."""
    link = RowLinks("actions.item_detail", "item_id")
    out = []
    for item in items:
        state = item.due_state(today, soon_days)
        table = escape(item.table.name)
        if item.id in redacted:
            first = (f'Case action item {item.code} <span class="small text-muted">(case '
                     f'material of {table})</span>')
        else:
            first = (f'<a href="{escape(link(item.id))}">{escape(item.title)}</a>'
                     f'{CASE_BADGE if item.is_case else ""}')
        owner = ""
        if show_owner:
            organization = item.organization
            owner = (f'\n      <td>{escape(item.owner.name)}</td>\n      <td>'
                     f'{escape(organization.name) if organization else "—"}</td>\n      ')
        out.append(f'\n    <tr class="action-{state}">\n      <td>{first}</td>\n      {owner}'
                   f'\n      <td>{table}</td>\n      <td>{item.due_on.isoformat()} '
                   f'{STATE_BADGES[state]}</td>\n      <td>{escape(item.status_label)}</td>\n'
                   f'      <td>{escape(item.priority_label)}</td>\n    </tr>\n  ')
    return Markup("".join(out))  # noqa: S704 - every value in it was escaped above


def register(bp: Blueprint) -> None:
    """Offer :func:`item_rows` to the templates (as ``action_item_rows``)."""
    bp.add_app_template_global(item_rows, "action_item_rows")
