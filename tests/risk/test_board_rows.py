"""The board's section rows are written in Python (risk/views/board_rows.py): the same markup,
whitespace included, as the template's former loop, on rows of every kind."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from coalition.core.links import RowLinks
from coalition.risk.services.metrics import BoardRow
from coalition.risk.views.board_rows import section_rows

FORMER_LOOP = """\
    {% for row in rows %}
      <tr>
        <th scope="row"><a href="{{ situation_link(row.id) }}">{{ row.code }}</a></th>
        <td>{{ row.presented_on.isoformat() }}</td>
        {% if key == 'new' %}<td>{{ row.age_days }} day{{ '' if row.age_days == 1 else 's' }}</td>
        {% elif key == 'concluded' %}<td>{{ row.concluded_on.isoformat() if row.concluded_on else '—' }}</td><td>{{ row.outcome_label or '—' }}</td><td>{{ row.hours_to_first_contact if row.hours_to_first_contact is not none else '—' }}</td>
        {% else %}<td>{{ row.hours_since_acceptance if row.hours_since_acceptance is not none else '—' }} hours
            {% if row.overdue %}<span class="badge text-bg-danger">No contact after {{ target_hours }} hours</span>{% endif %}</td>
          <td>{% if row.hours_to_first_contact is not none %}{{ row.hours_to_first_contact }} hours after acceptance{% else %}Not yet{% endif %}</td>
        {% endif %}
      </tr>
    {% endfor %}"""  # noqa: E501 - the template's lines as they were

BASE = BoardRow(
    id=7, code="RS-<7>&", status="accepted", section="awaiting_contact",
    presented_on=date(2026, 11, 2), decided_on=date(2026, 11, 3),
    accepted_at=datetime(2026, 11, 3, 9, tzinfo=UTC), first_contact_at=None,
    concluded_on=None, referral_source="police", originating_organization_id=1,
    risk_status=None, outcome=None, age_days=1, hours_since_acceptance=50.5,
    hours_to_first_contact=None, overdue=True)

ROWS = [
    BASE,
    replace(BASE, id=8, code="RS-8", age_days=0, overdue=False, hours_since_acceptance=0.0),
    replace(BASE, id=9, age_days=12, hours_since_acceptance=None, hours_to_first_contact=3.25),
    replace(BASE, id=10, status="concluded", concluded_on=date(2026, 12, 1),
            outcome="connected", hours_to_first_contact=0.0),
    replace(BASE, id=11, status="concluded", outcome="other", hours_to_first_contact=17.0),
    replace(BASE, id=2147483, status="new", age_days=365, overdue=False),
]


@pytest.mark.parametrize("key", ["new", "awaiting_contact", "in_outreach", "concluded"])
@pytest.mark.parametrize("count", [0, 1, len(ROWS)])
def test_the_rows_are_the_former_loop_s(app, key, count):
    rows = ROWS[:count] if count < len(ROWS) else ROWS
    with app.test_request_context():
        link = RowLinks("risk.situation_detail", "situation_id")
        former = app.jinja_env.from_string(FORMER_LOOP).render(
            rows=rows, key=key, situation_link=link, target_hours=48)
        # the template keeps the indentation before the call, as it did before the loop
        assert "    " + str(section_rows(key, rows, link, 48)) == former


def test_the_export_form_carries_the_session_s_token(client, login, risk_setting):
    """The board's export form writes the CSRF token itself (no form object per request): the
    same input the form's hidden_tag wrote, with a token the export accepts."""
    import re

    login(risk_setting.police_user)
    client.add_csrf = False  # only the token the page wrote is sent
    url = f"/tables/{risk_setting.table.id}/risk-board"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'\n  <input id="csrf_token" name="csrf_token" type="hidden" '
                      r'value="([^"]+)">\n  <button type="submit"', page)[1]
    assert client.post(f"{url}.csv", data={"csrf_token": token}).status_code == 200
    assert client.post(f"{url}.csv").status_code == 400
