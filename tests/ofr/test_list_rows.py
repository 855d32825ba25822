"""The deaths list's rows, written in one pass (``ofr.views.case_rows``), are the markup its
template loop wrote, on rows of every kind (unknown facts, a meeting, overdue requests, text
to escape); and its filter fields, kept when valid, are what the form writes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import get_template_attribute, request

from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.forms import CaseFilterForm
from coalition.ofr.views.case_rows import written_rows

# the row loop of templates/ofr/case_list.html before the rows were written in Python
TEMPLATE_LOOP = """  {% set case_link = row_links('ofr.case_detail', 'case_id') %}
  {% for case in rows %}
    <tr>
      <td><a href="{{ case_link(case.id) }}">{{ case.code }}</a></td>
      <td>{{ case.date_of_death.isoformat() if case.date_of_death else 'Unknown' }}</td>
      <td>{{ case.age if case.age is not none else 'Unknown' }}</td>
      <td>{{ case.county_of_death or 'Unknown' }}</td>
      <td>{{ case.status_label }}</td>
      <td>{{ case.meeting_starts_at|local('%b %-d, %Y') if case.meeting_starts_at else '—' }}</td>
      <td>{{ case.percent }} %</td>
      <td>{{ case.requests }}{% if case.overdue %} <span class="badge badge-expired">{{ case.overdue }} overdue</span>{% endif %}</td>
    </tr>
  {% endfor %}
  </tbody>"""  # noqa: E501


def _row(**values) -> dict:
    row = {"id": 7, "code": "OFR-2026-0007", "date_of_death": date(2026, 3, 4), "age": 41,
           "county_of_death": "Test County", "status": "eligible", "status_label": "Eligible",
           "meeting_starts_at": None, "known": 10, "percent": 53, "requests": 0, "overdue": 0}
    return row | values


def test_the_rows_are_what_the_template_loop_wrote(app):
    rows = [
        _row(),
        _row(id=12, date_of_death=None, age=None, county_of_death="", percent=0),
        _row(id=2147483000, age=0, county_of_death='<b>"Lake" & Co\'s</b>', requests=4,
             overdue=2, meeting_starts_at=datetime(2026, 5, 1, 2, 30, tzinfo=UTC),
             status_label="Selected for a meeting", percent=100),
        _row(id=13, code="OFR-<2026>", requests=3, overdue=0,
             meeting_starts_at=datetime(2026, 12, 31, 23, 59, tzinfo=UTC)),
    ]
    with app.test_request_context():
        expected = app.jinja_env.from_string(TEMPLATE_LOOP).render(rows=rows)
        written = app.jinja_env.from_string(
            "  {# each row #}\n  {{ written }}\n  </tbody>").render(written=written_rows(rows))
        assert written == expected
        assert "&lt;b&gt;&#34;Lake&#34; &amp; Co&#39;s&lt;/b&gt;" in written
        assert app.jinja_env.from_string("{{ w }}").render(w=written_rows([])) == ""


def test_the_filter_fields_are_what_the_form_writes(app, client, login, ofr_setting):
    login(ofr_setting.manager)
    criteria = ofr.ensure_criteria(ofr_setting.table)
    db.session.commit()
    table = ofr_setting.table.id
    for query in ("", "?status=all&month=2026-03", f"?criterion={criteria[1].id}&result=unknown",
                  "?month=2026-3x", "?status=nonsense"):
        for _ in range(2):  # the second from what the first kept
            page = client.get(f"/tables/{table}/cases{query}").get_data(as_text=True)
            with app.test_request_context(f"/tables/{table}/cases{query}"):
                form = CaseFilterForm(request.args)
                form.criterion.choices = [("", "Any")] + [
                    (str(c.id), c.label) for c in ofr.kept_criteria(ofr_setting.table)]
                form.validate()
                if query == "?month=2026-3x":
                    form.month.errors = ["Enter a month like 2026-03."]
                field = get_template_attribute("_macros.html", "field")
                for name in ("status", "month", "criterion", "result"):
                    assert str(field(form[name])) in page, (query, name)
