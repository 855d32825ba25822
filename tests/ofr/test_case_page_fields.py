"""The case page's form fields are written once and kept when blank (the workflow's moves, the
checklist with each answer, the table's owners): each case's page still shows exactly what the
forms themselves write for that case, its own answers and moves, whichever case was shown
before; and a form sent back with errors shows what was typed."""

from __future__ import annotations

from flask import get_template_attribute

from coalition.core.fields import options
from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.forms import CaseActionForm, RequestForm, StatusForm, criteria_form
from coalition.ofr.models import CASE_STATUSES
from tests.conftest import error_for


def _expected_fields(app, case) -> list[str]:
    """Each field of the case's blank forms as the ``field`` macro writes it, made afresh."""
    criteria = ofr.criteria_of(case.table)
    answers = {row.criterion_id: row.result for row in case.criteria}
    with app.test_request_context():
        field = get_template_attribute("_macros.html", "field")
        status = StatusForm(formdata=None)
        status.status.choices = options([(code, CASE_STATUSES[code])
                                         for code in ofr.TRANSITIONS[case.status]])
        checklist = criteria_form(criteria, answers)
        action = CaseActionForm(formdata=None)
        action.owner_id.choices = options(ofr.table_seats(case.table).owners,
                                          blank="Choose an owner")
        request = RequestForm(formdata=None)
        written = [str(field(checklist[f"criterion_{c.id}"])) for c in criteria]
        written += [str(field(action[name])) for name in ("title", "owner_id", "due_on")]
        written += [str(field(request[name]))
                    for name in ("other_agency", "requested_on", "due_on", "is_part2")]
        if status.status.choices:
            written += [str(field(status.status)), str(field(status.reason))]
        return written


def test_each_case_page_shows_its_own_fields_as_the_forms_write_them(app, client, login,
                                                                      ofr_setting, make_case):
    login(ofr_setting.manager)
    criteria = ofr.ensure_criteria(ofr_setting.table)
    met, mixed, blank = make_case(), make_case(), make_case()
    ofr.record_criteria(ofr_setting.manager, met, {c.id: "met" for c in criteria})
    ofr.record_criteria(ofr_setting.manager, mixed, {criteria[0].id: "not_met",
                                                     criteria[1].id: "met"})
    ofr.set_status(ofr_setting.manager, mixed, "eligible")
    db.session.commit()
    for round_ in range(2):  # the second round is written from what the first kept
        for case in (met, mixed, blank):
            page = client.get(f"/cases/{case.id}").get_data(as_text=True)
            db.session.expire_all()
            for written in _expected_fields(app, case):
                assert written in page, (round_, case.code, written)
    # the answers differ between the cases: each page picked its own
    assert 'selected value="not_met"' in client.get(f"/cases/{mixed.id}").get_data(
        as_text=True)
    assert 'selected value="not_met"' not in client.get(f"/cases/{met.id}").get_data(
        as_text=True)
    ofr.record_criteria(ofr_setting.manager, met, {criteria[0].id: "not_met"})
    db.session.commit()
    db.session.expire_all()
    page = client.get(f"/cases/{met.id}").get_data(as_text=True)
    for written in _expected_fields(app, db.session.get(type(met), met.id)):
        assert written in page


def test_a_form_sent_back_shows_what_was_typed(client, login, ofr_setting, make_case):
    login(ofr_setting.manager)
    case = make_case()
    db.session.commit()
    client.get(f"/cases/{case.id}")  # the blank forms are kept
    refused = client.post(f"/cases/{case.id}/action-items",
                          data={"title": "Call the <clinic>", "owner_id": "", "due_on": ""})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'value="Call the &lt;clinic&gt;"' in page
    assert error_for(page, "owner_id") == "Choose who owns this action item."
    refused = client.post(f"/cases/{case.id}/requests",
                          data={"other_agency": "Nowhere Known Agency 123"})
    assert refused.status_code == 400
    assert 'value="Nowhere Known Agency 123"' in refused.get_data(as_text=True)
    again = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Call the" not in again and "Nowhere Known Agency 123" not in again
