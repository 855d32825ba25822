"""Fatality review routes: the deaths list, recording a death, a case's page with its workflow,
selection checklist, meeting and records requests, its facts, and its identifiers (recorded
encrypted, revealed by an audited action).

Who may reach each route is in ``ofr.permissions.ROUTES``: every case route is a 404 to anyone
not seated at the table; changes are the managers' (403 for other seated members).
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, make_response, redirect, render_template, request, url_for

from coalition.core import vocab, web
from coalition.core.fields import options
from coalition.core.kept import kept
from coalition.core.localtime import local_today
from coalition.ofr import services as ofr
from coalition.ofr.forms import (
    AnswerForm,
    CaseActionForm,
    CaseFilterForm,
    CaseForm,
    IdentityForm,
    RequestForm,
    SelectForm,
    StatusForm,
    criteria_form,
)
from coalition.ofr.models import (
    CASE_STATUSES,
    ETHNICITIES,
    MANNERS,
    NALOXONE_BY,
    PLACES,
    RACES,
    RELEASES,
    SEXES,
    TRISTATE,
    FatalityCase,
    RecordsRequest,
)
from coalition.ofr.permissions import (
    can_edit_case,
    can_reveal_case_identity,
    can_view_case,
    can_view_ofr_table,
)
from coalition.ofr.views import bp, case_fields
from coalition.ofr.views.case_page import listed_page
from coalition.ofr.views.case_rows import written_rows
from coalition.roster import seats
from coalition.roster.models import CoalitionTable
from coalition.roster.permissions import can_manage_table

LABELS = {"sex": SEXES, "race": RACES, "ethnicity": ETHNICITIES, "place": PLACES,
          "manner": MANNERS, "naloxone_by": NALOXONE_BY, "release": RELEASES,
          "yes_no": TRISTATE}


def ofr_table(table_id: int, act=None) -> CoalitionTable:
    return web.load(CoalitionTable, table_id, view=can_view_ofr_table, act=act)


def case_of(case_id: int, act=None, options=None) -> FatalityCase:
    """The case; 404 for anyone not seated at its table, 403 when ``act`` refuses."""
    return web.load(FatalityCase, case_id, view=can_view_case, act=act, options=options)


def page(template: str, status: int = 200, **context):
    """A page showing case data: never cached."""
    return web.no_store(make_response(render_template(template, **context), status))


def to_case(case: FatalityCase, anchor: str = ""):
    return redirect(url_for(".case_detail", case_id=case.id) + (f"#{anchor}" if anchor else ""))


# --- the list -----------------------------------------------------------------------------

@bp.get("/ofr")
def index():
    tables = ofr.ofr_tables_of(web.actor())
    if len(tables) == 1:
        return redirect(url_for(".case_list", table_id=tables[0].id))
    return render_template("ofr/index.html", tables=tables)


def _month(text: str | None) -> date | None:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


@bp.get("/tables/<int:table_id>/cases")
def case_list(table_id: int):
    table = ofr_table(table_id)
    form = CaseFilterForm(request.args)
    form.criterion.choices = options(ofr.kept_criteria(table), blank="Any")
    valid = form.validate()
    month = _month(form.month.data) if valid and form.month.data else None
    if valid and form.month.data and month is None:
        form.month.errors = ["Enter a month like 2026-03."]
        valid = False
    filters = {"status": form.status.data, "month": month, "criterion_id": form.criterion.data,
               "result": form.result.data} if valid else {}
    # the page's rows and their count in one query (the costly columns for the page's rows
    # only)
    listing = listed_page(ofr.row_query(table, **filters))
    today = local_today()
    rows = [ofr.shown_row(row) for row in listing.items]
    return page("ofr/case_list.html", 200 if valid else 400, table=table, form=form,
                filters=_filter_fields(table, form, valid), page=listing, rows=rows,
                written_rows=written_rows(rows), manage=can_manage_table(web.actor(), table),
                counts=ofr.kept_table_counts(table, today))


def _filter_fields(table, form: CaseFilterForm, valid: bool) -> dict:
    """The filter form's fields as the list writes them: kept per table and values asked when
    valid (the table's checklist and what was asked; no case material), else written as
    typed, with the errors."""
    names = ("status", "month", "criterion", "result")
    if not valid:
        return case_fields.written(form, names)
    return kept("ofr.list_filters", (table.id, *(form[name].data for name in names)),
                lambda: case_fields.written(form, names))


# --- recording a death, and its facts -------------------------------------------------------

def _substance_choices(form: CaseForm) -> CaseForm:
    pairs = [(term.id, term.label) for term in vocab.terms("substance")]
    form.cause_substance_ids.choices = options(pairs)
    form.present_substance_ids.choices = options(pairs)
    return form


def _fact_values(form: CaseForm) -> dict:
    values = {name: form[name].data for name in ofr.FACT_FIELDS}
    values["substances"] = [(term_id, "cause") for term_id in form.cause_substance_ids.data or ()]
    values["substances"] += [(term_id, "present")
                             for term_id in form.present_substance_ids.data or ()]
    return values


@bp.route("/tables/<int:table_id>/cases/new", methods=["GET", "POST"])
def case_new(table_id: int):
    table = ofr_table(table_id, act=can_manage_table)
    form = _substance_choices(CaseForm())
    if form.validate_on_submit():
        outcome = web.perform(lambda: ofr.create_case(web.actor(), table, **_fact_values(form)),
                              form)
        if outcome.ok:
            flash(f"Case {outcome.value.code} was recorded.", "success")
            return to_case(outcome.value)
    return page("ofr/case_form.html", web.form_status(), form=form, table=table, case=None)


def _saved_facts(case: FatalityCase) -> dict:
    saved = {name: getattr(case, name) for name in ofr.FACT_FIELDS}
    saved["cause_substance_ids"] = [s.term_id for s in case.substances if s.role == "cause"]
    saved["present_substance_ids"] = [s.term_id for s in case.substances if s.role == "present"]
    return saved


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def case_edit(case_id: int):
    case = case_of(case_id, act=can_edit_case)
    if request.method == "GET":
        form = CaseForm(formdata=None, data=dict(_saved_facts(case), version_id=case.version_id))
    else:
        form = CaseForm()
    _substance_choices(form)
    conflict = None
    if form.validate_on_submit():
        outcome, conflict = web.perform_edit(
            lambda: ofr.update_case(web.actor(), case, version_id=form.version_id.data,
                                    **_fact_values(form)),
            form, thing="case", reload=lambda: case_of(case_id), saved=_saved_facts)
        if outcome.ok:
            flash("The case was saved." if outcome.value else "Nothing was changed.", "success")
            return to_case(case)
    return page("ofr/case_form.html", web.edit_status(conflict), form=form, table=case.table,
                case=case, conflict=conflict)


# --- the case's page ------------------------------------------------------------------------

def _render_case(case: FatalityCase, *, forms: dict | None = None, revealed=None,
                 answer: dict | None = None, status: int = 200):
    viewer = web.actor()
    manage = can_edit_case(viewer, case)
    if case.checklist_answers is None:  # the case was not loaded for its page
        criteria, answers = ofr.criteria_with_answers(case)
    else:  # the table's checklist (kept: not case material), the case's answers read with it
        criteria = ofr.kept_criteria(case.table)
        answers = ofr.parse_answers(criteria, case.checklist_answers)
    requests, actions = ofr.case_page_lists(case)
    forms = forms or {}
    fields = {}  # the forms' fields written (kept when blank: see case_fields)
    if manage:
        sent = forms.get("status")
        if sent is not None:
            sent.status.choices = case_fields.status_choices(case.status)
        fields["status"] = case_fields.status_fields(case.status, sent)
        fields["criteria"] = case_fields.criteria_fields(criteria, answers,
                                                         forms.get("criteria"))
        select = forms.setdefault("select", SelectForm(
            formdata=None, data={"meeting_id": case.selected_meeting_id}))
        # the table's meetings and seats, kept across requests: neither is case material
        select.meeting_id.choices = options(ofr.kept_meeting_choices(case.table),
                                            blank="No meeting")
        seated = ofr.kept_table_seats(case.table)
        requested = {r.organization_id for r in requests}
        sent = forms.get("request")
        forms.setdefault("request", RequestForm(formdata=None)).organization_ids.choices = \
            options([(o_id, name) for o_id, name in seated.agencies if o_id not in requested])
        fields["request"] = case_fields.request_fields(sent)
        sent = forms.get("action")
        if sent is not None:
            sent.owner_id.choices = case_fields.owner_choices(case.table)
        fields["action"] = case_fields.action_fields(case.table, sent)
    html = render_template("ofr/case_detail.html", case=case, manage=manage, forms=forms,
                fields=fields,
                criteria=criteria, answers=answers, completeness=ofr.completeness(case),
                today=local_today(), revealed=revealed, answer=answer or {},
                may_reveal=can_reveal_case_identity(viewer, case) and case.identity is not None,
                statuses=CASE_STATUSES, requests=requests, actions=actions, labels=LABELS,
                touchpoints=ofr.touchpoint_count(case) if case.touchpoint_total is None
                else case.touchpoint_total)
    web.perform(lambda: ofr.log_case_read(viewer, case))  # after rendering: nothing reloads
    return web.no_store(make_response(html, status))


@bp.get("/cases/<int:case_id>")
def case_detail(case_id: int):
    # as case_of, the case read with what its page shows even when the session holds it already
    case = ofr.case_for_page(case_id)
    if case is None or not can_view_case(web.actor(), case):
        abort(404)
    return _render_case(case)


@bp.route("/cases/<int:case_id>/identity", methods=["GET", "POST"])
def case_identity(case_id: int):
    case = case_of(case_id, act=can_edit_case)
    if request.method == "GET" and case.identity is not None:
        # what is stored is shown to be corrected (an audited reveal), never silently replaced
        outcome = web.perform(lambda: ofr.reveal_identity(web.actor(), case))
        stored = dict(outcome.value) if outcome.ok else {}
        if stored.get("birth_date"):
            stored["birth_date"] = date.fromisoformat(stored["birth_date"])
        form = IdentityForm(formdata=None, data=stored)
    else:
        form = IdentityForm()
    if form.validate_on_submit():
        outcome = web.perform(lambda: ofr.save_identity(
            web.actor(), case, name=form.name.data, birth_date=form.birth_date.data,
            me_case_number=form.me_case_number.data, address=form.address.data,
            cause_narrative=form.cause_narrative.data), form)
        if outcome.ok:
            flash("The identifiers were saved, encrypted.", "success")
            return to_case(case)
    return page("ofr/case_identity.html", web.form_status(), form=form, case=case)


@bp.post("/cases/<int:case_id>/reveal")
def case_reveal(case_id: int):
    case = case_of(case_id, act=can_reveal_case_identity)
    if case.identity is None:
        flash("No identifier has been recorded for this case yet.", "warning")
        return to_case(case)
    outcome = web.perform(lambda: ofr.reveal_identity(web.actor(), case))
    if not outcome.ok:
        abort(403)
    return _render_case(case, revealed=outcome.value)


@bp.post("/cases/<int:case_id>/status")
def case_status(case_id: int):
    case = case_of(case_id, act=can_edit_case)
    form = StatusForm()
    form.status.choices = options([(code, CASE_STATUSES[code])
                                   for code in ofr.TRANSITIONS[case.status]])
    if form.validate_on_submit():
        outcome = web.perform(lambda: ofr.set_status(web.actor(), case, form.status.data,
                                                     reason=form.reason.data), form)
        if outcome.ok:
            flash(f"Case {case.code} is now “{case.status_label.lower()}”.", "success")
            return to_case(case)
    return _render_case(case_of(case_id), forms={"status": form}, status=400)


@bp.post("/cases/<int:case_id>/criteria")
def case_criteria(case_id: int):
    case = case_of(case_id, act=can_edit_case)
    criteria = ofr.criteria_of(case.table)
    form = criteria_form(criteria, {}, formdata=request.form)
    if form.validate_on_submit():
        results = {c.id: form[f"criterion_{c.id}"].data for c in criteria}
        outcome = web.perform(lambda: ofr.record_criteria(web.actor(), case, results), form)
        if outcome.ok:
            flash("The selection checklist was saved.", "success")
            return to_case(case, "selection")
    return _render_case(case_of(case_id), forms={"criteria": form}, status=400)


@bp.post("/cases/<int:case_id>/select")
def case_select(case_id: int):
    case = case_of(case_id, act=can_edit_case)
    form = SelectForm()
    meetings = {m.id: m for m in ofr.selectable_meetings(case.table)}
    form.meeting_id.choices = options([(m_id, str(m_id)) for m_id in meetings], blank="")
    if form.validate_on_submit():
        meeting = meetings.get(form.meeting_id.data)
        outcome = web.perform(lambda: ofr.select_for_meeting(web.actor(), case, meeting), form)
        if outcome.ok:
            flash(f"Case {case.code} was selected for its meeting." if meeting
                  else f"Case {case.code} was taken off its meeting.", "success")
            return to_case(case, "selection")
    return _render_case(case_of(case_id), forms={"select": form}, status=400)


# --- records requests -----------------------------------------------------------------------

@bp.post("/cases/<int:case_id>/requests")
def request_add(case_id: int):
    case = case_of(case_id, act=can_edit_case)
    form = RequestForm()
    form.organization_ids.choices = options(ofr.table_seats(case.table).agencies)
    if form.validate_on_submit():
        outcome = web.perform(lambda: ofr.request_records(
            web.actor(), case, organization_ids=form.organization_ids.data,
            other_agency=form.other_agency.data or "",
            requested_on=form.requested_on.data, due_on=form.due_on.data,
            is_part2=form.is_part2.data), form)
        if outcome.ok:
            flash(f"Records requested from {len(outcome.value)} agenc"
                  f"{'y' if len(outcome.value) == 1 else 'ies'}.", "success")
            return to_case(case, "records")
    return _render_case(case_of(case_id), forms={"request": form}, status=400)


@bp.post("/cases/<int:case_id>/requests/<int:request_id>")
def request_update(case_id: int, request_id: int):
    case = case_of(case_id, act=can_edit_case)
    records_request = web.child_of(RecordsRequest, request_id, "case_id", case.id)
    form = AnswerForm()
    if form.validate_on_submit():
        outcome = web.perform(lambda: ofr.answer_request(
            web.actor(), records_request, received_on=form.received_on.data,
            nothing_found=form.nothing_found.data, is_part2=form.is_part2.data,
            note=form.note.data), form)
        if outcome.ok:
            flash(f"The request to {records_request.organization.name} was updated.",
                  "success")
            return to_case(case, "records")
    # the row keeps what was typed, with the message beside it
    message = next(iter(form.form_errors), None) or "; ".join(
        error for errors in form.errors.values() for error in errors)
    typed = {"id": request_id, "message": message,
             "received_on": (form.received_on.raw_data or [""])[0],
             "nothing_found": form.nothing_found.data, "is_part2": form.is_part2.data,
             "note": form.note.data or ""}
    return _render_case(case_of(case_id), answer=typed, status=400)


@bp.post("/cases/<int:case_id>/action-items")
def case_action_add(case_id: int):
    case = case_of(case_id, act=can_edit_case)
    form = CaseActionForm()
    form.owner_id.choices = options(seats.seat_choices(case.table), blank="Choose an owner")
    if form.validate_on_submit():
        outcome = web.perform(lambda: ofr.add_case_action(
            web.actor(), case, title=form.title.data, owner_id=form.owner_id.data,
            due_on=form.due_on.data), form)
        if outcome.ok:
            flash(f"Case action item {outcome.value.code} created for "
                  f"{outcome.value.owner.name}.", "success")
            return to_case(case, "actions")
    return _render_case(case_of(case_id), forms={"action": form}, status=400)

