"""The rows of the referral list, written in one Python call per page instead of some fifteen
Jinja expressions per row.

The markup is the one ``templates/risk/referral_list.html`` wrote row by row, the whitespace
included (a test compares the two): every value from the database is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from coalition.core.links import RowLinks
from coalition.core.localtime import format_local
from coalition.risk.models import REFERRAL_STATUSES

_ROW = ("\n    <tr>\n      <td>{occurred}</td>\n      <td>{location}</td>\n      <td>{fatal}</td>"
        "\n      <td>{naloxone}</td>\n      <td>{agency}</td>\n      <td>{number}</td>"
        "\n      <td>{status}</td>\n      <td>\n        {actions}\n      </td>\n    </tr>\n  ")


def _naloxone(referral) -> str:
    if not referral.naloxone_administered:
        return "No"
    doses = referral.naloxone_doses
    if doses is None:
        return "Yes"
    return f"Yes, {escape(doses)} dose{'' if doses == 1 else 's'}"


def _actions(referral, open_actions, situation_link) -> str:
    status = referral.status
    if status == "open" and open_actions is not None:
        return f"\n          {open_actions(referral)}\n        "
    if status == "converted":
        if referral.situation_code is None:
            return "Made a situation\n        "
        return (f'Made situation <a href="{escape(situation_link(referral.situation_id))}">'
                f"{escape(referral.situation_code)}</a>\n        ")
    if status == "dismissed" and referral.dismissal_reason:
        return f'<span class="text-break">{escape(referral.dismissal_reason)}</span>\n        '
    return ""


def referral_rows(referrals, open_actions=None) -> Markup:
    """The ``<tr>`` of each referral row (the list's columns and ``situation_code``), as the
    list's table shows them; ``open_actions`` writes an open referral's actions for those who
    manage the table (None for the others)."""
    situation_link = RowLinks("risk.situation_detail", "situation_id")
    return Markup("".join(_ROW.format(  # noqa: S704 - every value is escaped here
        occurred=escape(format_local(referral.occurred_at)),
        location=escape(referral.location or "—"),
        fatal="Yes" if referral.is_fatal else "No", naloxone=_naloxone(referral),
        agency=escape(referral.agency), number=escape(referral.incident_number),
        status=escape(REFERRAL_STATUSES[referral.status]),
        actions=_actions(referral, open_actions, situation_link))
        for referral in referrals))
