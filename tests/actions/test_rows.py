"""The list tables' rows, written in Python (``actions.rows``), are the markup the Jinja loop of
``templates/actions/_macros.html`` wrote before, value for value and space for space."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from coalition.actions.models import ActionItem
from coalition.actions.rows import item_rows

# the loop the rows were written with (kept here as the reference; the {# #} comments only
# break its long line)
FORMER_LOOP = """
{%- set state_badges = {'overdue': '<span class="badge badge-expired">Overdue</span>'|safe,
                       'due_soon': '<span class="badge badge-expiring">Due soon</span>'|safe,
                       'later': '', 'closed': ''} -%}
  {%- set item_link = row_links('actions.item_detail', 'item_id') %}
  {% for item in items %}
    {%- set state = item.due_state(today, soon_days) %}
    <tr class="action-{{ state }}">
      <td>{% if item.id in redacted %}Case action item {{ item.code }} {#
      #}<span class="small text-muted">(case material of {{ item.table.name }})</span>{#
      #}{% else %}<a href="{{ item_link(item.id) }}">{{ item.title }}</a>{#
      #}{% if item.is_case %} <span class="badge text-bg-danger">Case</span>{% endif %}{#
      #}{% endif %}</td>
      {% if show_owner %}
      <td>{{ item.owner.name }}</td>
      <td>{{ item.organization.name if item.organization else '—' }}</td>
      {% endif %}
      <td>{{ item.table.name }}</td>
      <td>{{ item.due_on.isoformat() }} {{ state_badges[state] }}</td>
      <td>{{ item.status_label }}</td>
      <td>{{ item.priority_label }}</td>
    </tr>
  {% endfor %}"""


def _item(ident, *, title, status, due_on, is_case=False, organization="Org <&> \"one\""):
    item = ActionItem(id=ident, title=title, status=status, due_on=due_on, is_case=is_case,
                      priority=("low", "normal", "high")[ident % 3])
    # plain stand-ins for the related rows (the lists load only their names)
    return SimpleNamespace(
        id=item.id, title=item.title, is_case=item.is_case, due_on=item.due_on,
        code=item.code, status_label=item.status_label, priority_label=item.priority_label,
        due_state=item.due_state, table=SimpleNamespace(name="Table <b>&</b>"),
        owner=SimpleNamespace(name=f"O'Owner {ident} <i>"),
        organization=SimpleNamespace(name=organization) if organization else None)


def test_rows_are_the_former_loops_markup(app):
    today = date(2026, 3, 10)
    items = [
        _item(1, title="Plain <script>&", status="open", due_on=today - timedelta(days=1)),
        _item(2, title="Soon", status="in_progress", due_on=today + timedelta(days=2),
              organization=None),
        _item(3, title="Later", status="blocked", due_on=today + timedelta(days=60)),
        _item(4, title="Done", status="done", due_on=today - timedelta(days=9)),
        _item(5, title="Case in full", status="open", due_on=today, is_case=True),
        _item(123456, title="Case hidden", status="cancelled", due_on=today, is_case=True),
    ]
    with app.test_request_context("/actions"):
        template = app.jinja_env.from_string(FORMER_LOOP)
        for show_owner in (True, False):
            for redacted in (set(), {123456}, {5, 123456}):
                former = template.render(items=items, today=today, soon_days=7,
                                         show_owner=show_owner, redacted=redacted)
                now = item_rows(items, today, 7, show_owner=show_owner, redacted=redacted)
                assert "\n  " + str(now) == former
        assert "Case action item AI-123456" in str(item_rows(items, today, 7,
                                                              redacted={123456}))
