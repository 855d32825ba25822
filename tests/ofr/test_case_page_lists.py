"""A case's page reads its records requests and action items with the case (as JSON rows): the
same rows as the case's relations read one by one, on either path, and in as many queries
whatever the case holds."""

from __future__ import annotations

import re
from datetime import timedelta

from coalition.core.localtime import local_today
from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.models import FatalityCase
from tests.conftest import counting_queries


def _requests_one_by_one(case) -> list[tuple]:
    return [(r.id, r.organization_id, r.organization.name, r.requested_on, r.due_on, r.received_on,
             r.nothing_found, r.is_part2, r.note, r.is_answered, r.is_overdue(local_today()))
            for r in case.requests]


def _request_rows(rows) -> list[tuple]:
    return [(r.id, r.organization_id, r.organization_name, r.requested_on, r.due_on,
             r.received_on, r.nothing_found, r.is_part2, r.note, r.is_answered,
             r.is_overdue(local_today())) for r in rows]


def _actions_one_by_one(case) -> list[tuple]:
    return [(a.id, a.code, a.title, a.owner.name, a.due_on, a.status, a.status_label)
            for a in ofr.case_actions(case)]


def _action_rows(rows) -> list[tuple]:
    return [(a.id, a.code, a.title, a.owner_name, a.due_on, a.status, a.status_label)
            for a in rows]


def _fill(setting, case, make_org):
    """Requests answered every way (notes JSON must escape), and action items sharing due
    dates, in an order that is not their ids'."""
    today = local_today()
    quoted = make_org('Clinic "Quoted" \\ <&> é')
    later = ofr.request_records(setting.manager, case, requested_on=today - timedelta(days=3),
                                due_on=today + timedelta(days=20),
                                organization_ids=[setting.police.id, quoted.id])
    earlier = ofr.request_records(setting.manager, case, requested_on=today - timedelta(days=40),
                                  due_on=today - timedelta(days=10), is_part2=True,
                                  organization_ids=[setting.ems.id, setting.hospital.id,
                                                    setting.treatment.id])
    ofr.answer_request(setting.manager, later[0], received_on=today - timedelta(days=1),
                       note='Line one\nline "two"\ttabbed — ½')
    ofr.answer_request(setting.manager, earlier[1], nothing_found=True, is_part2=True)
    owners = (setting.manager.person, setting.police_user.person, setting.ems_user.person)
    for n, (days, owner) in enumerate(((9, 0), (2, 1), (9, 2), (2, 0), (30, 1))):
        action = ofr.add_case_action(setting.manager, case, title=f"Step {n} <b>&</b> “quoted”",
                                     owner_id=owners[owner].id,
                                     due_on=today + timedelta(days=days))
        if n == 3:
            action.status = "done"
    db.session.commit()


def test_the_rows_read_with_the_case_are_its_relations(ofr_setting, make_case, make_org):
    rich, other, bare = make_case(), make_case(), make_case()
    _fill(ofr_setting, rich, make_org)
    ofr.request_records(ofr_setting.manager, other, organization_ids=[ofr_setting.police.id])
    ofr.add_case_action(ofr_setting.manager, other, title="Another case's step",
                        owner_id=ofr_setting.manager.person.id, due_on=local_today())
    db.session.commit()
    for case_id, requests, actions in ((rich.id, 5, 5), (other.id, 1, 1), (bare.id, 0, 0)):
        db.session.expunge_all()
        case = db.session.get(FatalityCase, case_id)
        expected = (_requests_one_by_one(case), _actions_one_by_one(case))
        assert (len(expected[0]), len(expected[1])) == (requests, actions)
        # as the case's page reads it: with the case
        db.session.expire_all()
        loaded = db.session.get(FatalityCase, case.id, options=ofr.case_page_options(),
                                populate_existing=True)
        assert loaded.request_rows is not None and loaded.action_rows is not None
        found = ofr.case_page_lists(loaded)
        assert (_request_rows(found[0]), _action_rows(found[1])) == expected
        # a case loaded without them (a form sent back with an error): read in one query
        db.session.expunge_all()
        plain = db.session.get(FatalityCase, case.id)
        with counting_queries() as seen:
            found = ofr.case_page_lists(plain)
        assert len(seen) == 1
        assert (_request_rows(found[0]), _action_rows(found[1])) == expected
    rich = db.session.get(FatalityCase, rich.id)
    overdue = [row for row in ofr.case_page_lists(rich)[0] if row.is_overdue(local_today())]
    assert [row.organization_name for row in overdue] == ["Test County EMS",
                                                          "Test Recovery Center"]


def test_the_page_lists_them_in_as_many_queries(client, login, ofr_setting, make_case,
                                                make_org):
    login(ofr_setting.manager)
    rich, bare = make_case(), make_case()
    _fill(ofr_setting, rich, make_org)
    client.get(f"/cases/{bare.id}")  # the table's meetings and seats are kept from the first
    with counting_queries() as seen:
        bare_page = client.get(f"/cases/{bare.id}").get_data(as_text=True)
    bare_queries = len(seen)
    with counting_queries() as seen:
        page = client.get(f"/cases/{rich.id}").get_data(as_text=True)
    assert len(seen) == bare_queries
    assert "No records requested yet." in bare_page and "No records requested yet." not in page
    records = re.search(r'<section aria-labelledby="records-heading".*?</section>', page,
                        re.S).group(0)
    assert records.count("<tr>") == 1 + 5  # the heading's row and one per request
    assert records.count("Overdue</span>") == 2
    assert "Clinic &#34;Quoted&#34; \\ &lt;&amp;&gt; é" in records
    assert "line &#34;two&#34;" in records
    actions = re.search(r'<section aria-labelledby="actions-heading".*?</section>', page,
                        re.S).group(0)
    shown = re.findall(r"<li><a href=\"/actions/(\d+)\">AI-\d+: Step (\d)", actions)
    db.session.expire_all()
    assert [int(item) for item, _ in shown] == [a.id for a in ofr.case_actions(rich)]
    assert [step for _, step in shown] == ["1", "3", "0", "2", "4"]
    assert "Step 3 &lt;b&gt;&amp;&lt;/b&gt; “quoted”</a> — Review Lead" in actions
    assert ", done</li>" in actions
