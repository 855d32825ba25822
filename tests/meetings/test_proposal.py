"""The next-meeting proposal: the table's own cadence, and what is copied from which meeting,
shown on the form (never carried over unseen)."""

from __future__ import annotations

from datetime import date, time

from coalition.core.localtime import combine_local
from coalition.meetings import services as meetings

VIDEO = "https://video.example.org/harbor-hub"


def test_a_monthly_table_is_proposed_a_month_later(make_table, make_meeting):
    monthly = make_table(cadence_days=28)
    make_meeting(monthly, starts_at=combine_local(date(2026, 11, 5), time(9, 30)))
    assert meetings.propose_next_meeting(monthly)["day"] == date(2026, 12, 3)


def test_without_copying_only_the_date_and_times_are_proposed(hub, make_meeting):
    make_meeting(hub, starts_at=combine_local(date(2026, 11, 5), time(9, 30)),
                 location="Room 4", video_url=VIDEO)
    proposal = meetings.propose_next_meeting(hub, copy=False)
    assert proposal["day"] == date(2026, 11, 12)
    assert "location" not in proposal and "video_url" not in proposal


def test_the_form_names_the_meeting_the_place_and_video_link_come_from(
        as_coordinator, hub, make_meeting, make_person, make_org, seat):
    org = make_org()
    chair = make_person(name="Dana Chair", organizations=[org])
    scribe = make_person(name="Sam Scribe", organizations=[org])
    seat(chair, hub, org)
    seat(scribe, hub, org)
    latest = make_meeting(hub, starts_at=combine_local(date(2026, 11, 5), time(9, 30)),
                          title="Harbor Hub review", location="Room 4", video_url=VIDEO,
                          facilitator_id=chair.id, recorder_id=scribe.id)
    html = as_coordinator.get(f"/tables/{hub.id}/meetings/new").get_data(as_text=True)
    panel = html[html.index('id="copied-from"'):]
    panel = panel[:panel.index("</div>")]
    assert f'href="/meetings/{latest.id}"' in panel and "Harbor Hub review" in panel
    assert "Place: Room 4" in panel and f"Video link: <span class=\"text-break\">{VIDEO}" in panel
    assert "Facilitator: Dana Chair" in panel and "Recorder: Sam Scribe" in panel
    assert "every 7 days" in html


def test_starting_without_the_copied_values_leaves_them_empty(as_coordinator, hub, make_meeting):
    make_meeting(hub, starts_at=combine_local(date(2026, 11, 5), time(9, 30)),
                 location="Room 4", video_url=VIDEO)
    html = as_coordinator.get(f"/tables/{hub.id}/meetings/new?copy=no").get_data(as_text=True)
    assert 'id="copied-from"' not in html
    assert VIDEO not in html and "Room 4" not in html
    assert 'value="2026-11-12"' in html


def test_a_first_meeting_has_nothing_copied(as_coordinator, hub):
    html = as_coordinator.get(f"/tables/{hub.id}/meetings/new").get_data(as_text=True)
    assert 'id="copied-from"' not in html
