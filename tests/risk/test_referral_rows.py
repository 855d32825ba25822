"""The referral list's rows are written in Python (risk/views/referral_rows.py): the same
markup, whitespace included, as the template's former loop, on rows of every kind."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from markupsafe import Markup

from coalition.risk.models import REFERRAL_STATUSES
from coalition.risk.views.referral_rows import referral_rows

FORMER_LOOP = """\
  {% for referral in page.items %}
    <tr>
      <td>{{ referral.occurred_at|local }}</td>
      <td>{{ referral.location or '—' }}</td>
      <td>{{ 'Yes' if referral.is_fatal else 'No' }}</td>
      <td>{% if referral.naloxone_administered %}Yes{% if referral.naloxone_doses is not none %}, {{ referral.naloxone_doses }} dose{{ '' if referral.naloxone_doses == 1 else 's' }}{% endif %}{% else %}No{% endif %}</td>
      <td>{{ referral.agency }}</td>
      <td>{{ referral.incident_number }}</td>
      <td>{{ statuses[referral.status] }}</td>
      <td>
        {% if referral.status == 'open' and may_manage %}
          {{ open_actions(referral) }}
        {% elif referral.status == 'converted' %}{% if referral.situation_code is not none %}Made situation <a href="{{ url_for('risk.situation_detail', situation_id=referral.situation_id) }}">{{ referral.situation_code }}</a>{% else %}Made a situation{% endif %}
        {% elif referral.status == 'dismissed' and referral.dismissal_reason %}<span class="text-break">{{ referral.dismissal_reason }}</span>
        {% endif %}
      </td>
    </tr>
  {% endfor %}"""  # noqa: E501 - the template's lines as they were


def _row(n, **values):
    base = dict(id=n, occurred_at=datetime(2026, 11, n, 23, 15, tzinfo=UTC), location=None,
                is_fatal=False, naloxone_administered=False, naloxone_doses=None,
                agency="Alder <Police> & Co", incident_number=f"A-{n}&", status="open",
                dismissal_reason=None, situation_id=None, situation_code=None)
    return SimpleNamespace(**{**base, **values})


ROWS = [
    _row(1),
    _row(2, location="400 block of <Canal> St", is_fatal=True, naloxone_administered=True),
    _row(3, naloxone_administered=True, naloxone_doses=1, status="dismissed",
         dismissal_reason="Out of county & <gone>"),
    _row(4, naloxone_administered=True, naloxone_doses=0, status="dismissed",
         dismissal_reason=""),
    _row(5, naloxone_administered=True, naloxone_doses=3, status="converted", situation_id=9,
         situation_code="RS-<9>"),
    _row(6, status="converted", situation_id=None, situation_code=None),
    _row(7, occurred_at=datetime(2026, 7, 4, 5, 6), location=""),  # naive UTC, summer time
]


def _open_actions(referral):
    return Markup('<form id="f{}">{}</form>').format(referral.id, referral.agency)


@pytest.mark.parametrize("may_manage", [True, False])
def test_the_rows_are_the_former_loop_s(app, may_manage):
    open_actions = _open_actions if may_manage else None
    with app.test_request_context():
        former = app.jinja_env.from_string(FORMER_LOOP).render(
            page=SimpleNamespace(items=ROWS), may_manage=may_manage, statuses=REFERRAL_STATUSES,
            open_actions=open_actions)
        # the template keeps the indentation before the call, as it did before the loop
        assert "  " + str(referral_rows(ROWS, open_actions)) == former
        assert "  " + str(referral_rows([], open_actions)) == \
            app.jinja_env.from_string(FORMER_LOOP).render(page=SimpleNamespace(items=[]))
