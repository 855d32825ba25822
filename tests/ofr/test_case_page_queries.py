"""A case's page reads its checklist with the case's answers in one query, and its substances
with the case: the same as reading each on its own, and as many queries whatever the case holds."""

from __future__ import annotations

import re

from coalition.core.vocab import term_by_code
from coalition.extensions import db
from coalition.ofr import services as ofr
from coalition.ofr.models import FatalityCase
from tests.conftest import counting_queries


def _straightforward(case):
    criteria = ofr.criteria_of(case.table)
    answers = {row.criterion_id: row.result for row in case.criteria}
    return criteria, {c.id: answers[c.id] for c in criteria if c.id in answers}


def test_the_checklist_and_its_answers_are_those_read_one_by_one(ofr_setting, make_case,
                                                                make_table):
    case, other = make_case(), make_case()
    criteria = ofr.ensure_criteria(ofr_setting.table)
    extra = ofr.add_criterion(ofr_setting.manager, ofr_setting.table, label="Died in 2026")
    db.session.commit()
    assert ofr.criteria_with_answers(case) == (ofr.criteria_of(case.table), {})
    ofr.record_criteria(ofr_setting.manager, case, {criteria[0].id: "met",
                                                    criteria[1].id: "not_met", extra.id: "met"})
    ofr.record_criteria(ofr_setting.manager, other, {criteria[0].id: "not_met",
                                                     criteria[2].id: "met"})
    ofr.retire_criterion(ofr_setting.manager, criteria[1])  # answered, then retired
    db.session.commit()
    db.session.expire_all()
    for each in (case, other, make_case()):
        found = ofr.criteria_with_answers(each)
        assert found == _straightforward(each)
        assert criteria[1] not in found[0]
    assert ofr.criteria_with_answers(case)[1] == {criteria[0].id: "met", extra.id: "met"}
    for each in (case, other, make_case()):  # as the case's page reads them, with the case
        db.session.commit()
        db.session.expire_all()
        loaded = db.session.get(FatalityCase, each.id, options=ofr.case_page_options(),
                                populate_existing=True)
        kept = ofr.kept_criteria(loaded.table)
        found = ofr.criteria_with_answers(loaded)
        assert [(c.id, c.label) for c in found[0]] == [tuple(c) for c in kept]
        assert ofr.parse_answers(kept, loaded.checklist_answers) == found[1]
    elsewhere = ofr.create_case(ofr_setting.manager, make_table("ofr", name="Elsewhere OFR"))
    db.session.commit()
    assert ofr.criteria_with_answers(elsewhere) == _straightforward(elsewhere)
    assert not set(c.id for c in ofr.criteria_with_answers(elsewhere)[0]) & {
        c.id for c in criteria}


def _page_queries(client, case) -> tuple[int, str]:
    with counting_queries() as seen:
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    return len(seen), page


def test_the_case_page_shows_its_substances_in_as_many_queries(client, login, ofr_setting,
                                                               make_case):
    login(ofr_setting.manager)
    bare = make_case(substances=[])
    many = make_case(substances=[
        (term_by_code("substance", code).id, role) for code, role in (
            ("fentanyl_and_analogs", "cause"), ("xylazine", "present"), ("cocaine", "cause"),
            ("heroin", "present"))])
    ofr.record_criteria(ofr_setting.manager, many, {
        c.id: "met" for c in ofr.ensure_criteria(ofr_setting.table)})
    db.session.commit()
    _page_queries(client, bare)  # the table's meetings and seats are kept from the first
    few_queries, bare_page = _page_queries(client, bare)
    many_queries, many_page = _page_queries(client, many)
    assert few_queries == many_queries
    assert "None recorded" in bare_page
    shown = re.search(r"<dt[^>]*>Substances</dt><dd[^>]*>(.*?)</dd>", many_page).group(1)
    db.session.expire_all()
    expected = ", ".join(f"{s.term.label} ({'cause' if s.role == 'cause' else 'present'})"
                         for s in db.session.get(FatalityCase, many.id).substances)
    assert shown == expected.replace("&", "&amp;")
    assert shown.startswith("Fentanyl")


def test_the_meeting_choices_are_the_selectable_meetings(ofr_setting, make_meeting):
    from datetime import timedelta

    from coalition.core.db import utcnow
    from coalition.core.localtime import to_local

    soon = utcnow().replace(minute=0, second=0, microsecond=0)
    for days, status in ((3, "scheduled"), (40, "draft"), (-5, "closed"), (10, "in_progress"),
                         (1, "scheduled"), (23, "scheduled")):
        make_meeting(ofr_setting.table, starts_at=soon + timedelta(days=days, hours=22),
                     status=status, title=f"Review {days} <&>")
    make_meeting(ofr_setting.other_table, status="scheduled")
    expected = [(m.id, f"{m.title} ({to_local(m.starts_at):%b %-d, %Y})")
                for m in ofr.selectable_meetings(ofr_setting.table)]
    assert ofr.meeting_choices(ofr_setting.table) == expected
    assert [label.split(" (")[0] for _, label in expected] == [
        "Review 1 <&>", "Review 3 <&>", "Review 23 <&>", "Review 40 <&>"]


def test_the_kept_meetings_and_seats_follow_a_change(client, login, ofr_setting, make_case,
                                                     make_meeting, make_org, make_person, seat):
    """The case page keeps its table's checklist, meetings and seated agencies across requests
    (none is case material), and shows a new one as soon as it is committed."""
    login(ofr_setting.manager)
    case = make_case()
    db.session.commit()
    first_queries, first = _page_queries(client, case)
    kept_queries, again = _page_queries(client, case)
    unsigned = re.compile(r'name="csrf_token" value="[^"]*"')  # signed with the time
    assert kept_queries == first_queries - 4  # its checklist, meetings and seats, the own seat
    assert unsigned.sub("", again) == unsigned.sub("", first)
    make_meeting(ofr_setting.table, status="scheduled", title="Review of the new quarter")
    newcomer = make_org("Newly Seated Clinic")
    seat(make_person("New Nurse", organizations=[newcomer]), ofr_setting.table, newcomer)
    ofr.add_criterion(ofr_setting.manager, ofr_setting.table, label="Reviewed within a year")
    db.session.commit()
    _, after = _page_queries(client, case)
    assert "Review of the new quarter" in after
    assert "Newly Seated Clinic" in after and "New Nurse (Newly Seated Clinic)" in after
    assert "Reviewed within a year" in after
    assert "Newly Seated Clinic" not in first and "Reviewed within a year" not in first


def test_a_kept_seat_follows_a_role_change_and_an_unseating(client, login, ofr_setting,
                                                            make_case):
    """The viewer's own seat is kept between requests: a member made a manager gets the case's
    forms, and someone unseated loses the case, on the next request."""
    from coalition.roster.models import TableMembership
    from coalition.roster.services import tables as seats_service
    viewer = ofr_setting.police_user
    login(viewer)
    case = make_case()
    db.session.commit()
    status_form = f'action="/cases/{case.id}/status"'
    for _ in range(2):  # the second request reads the kept seat
        page = client.get(f"/cases/{case.id}")
        assert page.status_code == 200 and status_form not in page.get_data(as_text=True)

    def membership():
        return db.session.scalar(db.select(TableMembership).where(
            TableMembership.table_id == ofr_setting.table.id,
            TableMembership.person_id == viewer.person_id))

    seats_service.change_seat_role(ofr_setting.manager, membership(), "manager")
    db.session.commit()
    assert status_form in client.get(f"/cases/{case.id}").get_data(as_text=True)
    seats_service.unseat(ofr_setting.manager, membership())
    db.session.commit()
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert client.get(f"/tables/{ofr_setting.table.id}/cases").status_code == 404
