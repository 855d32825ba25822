"""The governing committee's view of the recommendations: stalled first, the status counts and
filters, each row's work plan progress and, for the committee, its decision form (decisions
are recorded by :func:`coalition.gaps.views.recommendations.recommendation_decide`)."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlencode

from flask import current_app, render_template, request, url_for
from flask_wtf.csrf import generate_csrf as csrf_token
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from coalition.core import web
from coalition.core.fields import options
from coalition.core.kept import kept
from coalition.core.links import RowLinks
from coalition.core.localtime import local_date, local_today
from coalition.extensions import db
from coalition.gaps import services as gaps
from coalition.gaps.forms import RecommendationFilterForm
from coalition.gaps.models import DECISIONS
from coalition.gaps.permissions import can_decide, can_draft
from coalition.gaps.services.recommendations import Progress
from coalition.gaps.views import bp
from coalition.roster.models import Organization

_DECISION_FORM = """\
<form method="post" action="{url}" class="d-flex flex-wrap gap-1 mt-1" novalidate>
          <input type="hidden" name="csrf_token" value="{token}"><input type="hidden" name="back" \
value="list">
          <label class="visually-hidden" for="decision-{id}">Decision on {code}</label>
          <select class="form-select form-select-sm w-auto" id="decision-{id}" name="decision">\
{options}</select>
          <label class="visually-hidden" for="decision-note-{id}">Note on {code}</label>
          <input class="form-control form-control-sm" id="decision-note-{id}" name="decision_note" \
maxlength="2000" placeholder="Note">
          <button type="submit" class="btn btn-sm btn-outline-primary">Record<span \
class="visually-hidden"> the decision on {code}</span></button>
        </form>"""


class DecisionForms:
    """A row's decision form on the committee's list (it works without JavaScript): what is
    the same on every row (the token, the options, the markup) is written once per page, the
    row's id, code and link filled in."""

    def __init__(self):
        self.url = RowLinks("gaps.recommendation_decide", "recommendation_id")
        options = "".join(f'<option value="{escape(code)}">{escape(label)}</option>'
                          for code, label in DECISIONS.items())
        self.token = escape(csrf_token())
        self.markup = _DECISION_FORM.replace(
            "{options}", options.replace("{", "{{").replace("}", "}}"))

    def __call__(self, recommendation_id: int, code: str) -> Markup:
        return Markup(self.markup.format(  # noqa: S704 - every value is escaped here
            url=escape(self.url(recommendation_id)), token=self.token,
            id=int(recommendation_id), code=escape(code)))


_LISTED_ROW = """\
<tr{warning}>
      <td><a href="{href}">{code}</a> {text}{case_specific}</td>
      <td>{status_label}{stalled}</td>
      <td>{lead}</td>
      <td>{age} days</td>
      <td>{last_update}</td>
      <td>{progress}</td>
      <td class="text-break small">{blockers}</td>
      {decision}
    </tr>"""


class ListedRow(NamedTuple):
    """A row of the committee's list with what it prints already written: the row's link, its
    text and blockers shortened as Jinja's ``truncate`` shortens them, its age in days, its
    decision's label and form. The page prints it as its ``<tr>`` (``__html__``), written in
    one step rather than a dozen template expressions a row."""

    id: int
    href: str
    code: str
    text: str
    case_specific: bool
    stalled: bool
    status_label: str
    lead: str
    age: int
    last_update: str
    progress: Progress
    blockers: str
    decision: str
    form: Markup | None
    decides: bool  # the viewer sees the committee's column

    def __html__(self) -> str:
        p = self.progress
        progress = (f"{p.done}/{p.total}" + (f' <span class="badge badge-expired">{p.overdue} '
                                              'overdue</span>' if p.overdue else "")
                    if p.total else "—")
        decision = (f"<td>{escape(self.decision)}\n        "
                    + (f"\n        {self.form}" if self.form else "") + "</td>"
                    if self.decides else "")
        return _LISTED_ROW.format(
            warning=' class="table-warning"' if self.stalled else "", href=escape(self.href),
            code=escape(self.code), text=escape(self.text),
            case_specific=' <span class="badge text-bg-light">Case-specific</span>'
            if self.case_specific else "", status_label=escape(self.status_label),
            stalled=' <span class="badge badge-expired">Stalled</span>' if self.stalled else "",
            lead=escape(self.lead), age=int(self.age), last_update=escape(self.last_update),
            progress=progress, blockers=escape(self.blockers), decision=decision)


def _listed(rows, *, progress: dict, today, cutoff, decision_form) -> list[ListedRow]:
    env = current_app.jinja_env
    href = RowLinks("gaps.recommendation_detail", "recommendation_id")
    return [ListedRow(
        r.id, href(r.id), r.code, do_truncate(env, r.text, 110), r.scope == "case_specific",
        not r.is_finished and r.last_update_on < cutoff, r.status_label,
        r.lead_name if r.lead_name is not None else "—",
        (today - local_date(r.created_at)).days, r.last_update_on.isoformat(),
        progress[r.id], do_truncate(env, r.blockers, 120) or "—",
        DECISIONS[r.decision] if r.decision else "",
        decision_form(r.id, r.code) if decision_form is not None and r.decision != "endorsed"
        and not r.is_finished else None, decision_form is not None) for r in rows]


@bp.get("/recommendations")
def recommendation_list():
    viewer = web.actor()
    form = RecommendationFilterForm(request.args)
    # the filter's choices are the active ones; counts of recommendations, not case material
    statuses = kept("gaps.status_rows", (), lambda: tuple(gaps.status_rows()))
    form.status.choices = options([(code, label) for code, label, _, active in statuses
                                   if active], blank="Any")
    valid = form.validate()
    show = form.stalled.data if valid else ""
    lead = db.session.get(Organization, form.lead.data) if valid and form.lead.data else None
    filters = {"status_code": form.status.data or None, "lead_organization_id": form.lead.data,
               "lead_name": form.agency.data or "", "stalled_only": show == "stalled",
               "finished": {"active": False, "finished": True}.get(show)} if valid else {}
    # the committee's list stays short: its count comes with the page's rows, which are kept
    # until the data changes (recommendations are no case material: every signed-in user sees
    # them)
    page = web.paginate(gaps.recommendation_rows_query(**filters),
                        count_with_rows=lambda row: row, keep=True)
    ids = tuple(r.id for r in page.items)
    decide = can_decide(viewer)
    today = local_today()
    cutoff = gaps.stalled_before()
    list_url = url_for(".recommendation_list")
    rows = _listed(page.items, today=today, cutoff=cutoff,
                   progress=kept("gaps.progress_of", (ids, today),
                                 lambda: gaps.progress_of(ids, today)),
                   decision_form=DecisionForms() if decide else None)
    return render_template(
        "gaps/recommendation_list.html", form=form, page=page, rows=rows, lead=lead,
        list_url=list_url,
        counts=[(f"{list_url}?{urlencode({'status': code})}", count, label)
                for code, label, count, _ in statuses if count],
        cutoff=cutoff, stalled_days=gaps.stalled_days(), may_decide=decide,
        may_draft=can_draft(viewer)), 200 if valid else 400
