"""Migration casefix01: case items stranded at tables that do not review cases are removed with
what was written on them; headings and template sections there become internal; case items at
case-reviewing tables are untouched."""

from __future__ import annotations

from datetime import date, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select

from coalition import create_app
from coalition.core.db import utcnow
from coalition.extensions import db
from tests.conftest import BASE_CONFIG
from tests.ops.test_migrations import empty_database_url  # noqa: F401  (the fixture)


def _meeting(table, title) -> int:
    """A meeting of ``table`` written with the columns this revision has (the model is at
    head), its id."""
    from coalition.meetings.models import Meeting

    start = utcnow().replace(microsecond=0)
    return db.session.execute(insert(Meeting.__table__).values(
        table_id=table.id, title=title, starts_at=start, ends_at=start + timedelta(hours=1),
        status="in_progress").returning(Meeting.__table__.c.id)).scalar_one()


def _seed():
    from coalition.actions.models import ActionItem
    from coalition.meetings.models import (
        AgendaItem,
        AgendaTemplateSection,
        Decision,
        MinutesRevision,
    )
    from coalition.roster.models import CoalitionTable, Person

    general = CoalitionTable(name="General", name_key="general", kind="coalition")
    hub = CoalitionTable(name="Hub", name_key="hub", kind="risk_review")
    db.session.add_all([general, hub])
    db.session.flush()
    meeting, hub_meeting = _meeting(general, "General meeting"), _meeting(hub, "Hub meeting")
    stranded = AgendaItem(table=general, meeting_id=meeting, title="Jane D., 34, Mill Rd",
                          item_type="case", minutes="seen at the ED twice")
    later = AgendaItem(table=general, meeting_id=meeting, title="Jane D., 34, Mill Rd",
                       item_type="case", carried_from=stranded)
    heading = AgendaItem(table=general, meeting_id=meeting, title="Cases", item_type="case",
                         is_section=True)
    ordinary = AgendaItem(table=general, meeting_id=meeting, title="Budget",
                          item_type="public")
    kept = AgendaItem(table=hub, meeting_id=hub_meeting, title="Situation 12",
                      item_type="case")
    section = AgendaTemplateSection(table=general, title="Cases", item_type="case")
    hub_section = AgendaTemplateSection(table=hub, title="New situations", item_type="case")
    owner = Person(name="Owner")
    db.session.add_all([stranded, later, heading, ordinary, kept, section, hub_section, owner])
    db.session.flush()
    db.session.add_all([
        MinutesRevision(agenda_item_id=stranded.id, text="seen at the ED twice"),
        Decision(meeting_id=meeting, agenda_item_id=stranded.id, text="refer Jane D.")])
    # a statement naming only the columns this revision has (the model is at head)
    db.session.execute(insert(ActionItem.__table__).values(
        title="Call Jane D.", owner_id=owner.id, table_id=general.id, is_case=True,
        due_on=date(2026, 12, 1), source_meeting_id=meeting,
        source_agenda_item_id=stranded.id))
    db.session.commit()
    return {"ordinary": ordinary.id, "kept": kept.id, "heading": heading.id}


def test_stranded_case_items_are_removed_with_what_was_written_on_them(
        empty_database_url, tmp_path, monkeypatch):  # noqa: F811
    from coalition.actions.models import ActionItem
    from coalition.meetings.models import (
        AgendaItem,
        AgendaTemplateSection,
        Decision,
        MinutesRevision,
    )

    monkeypatch.setenv("COALITION_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(dict(BASE_CONFIG, SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        upgrade()
        downgrade(revision="ofr1a2b3c4d5")  # the data as it was before the repair
        ids = _seed()
        db.session.remove()
        upgrade()  # the repair, then every later revision (the models are at head)
        items = {item.id: item for item in db.session.scalars(select(AgendaItem))}
        assert set(items) == {ids["ordinary"], ids["kept"], ids["heading"]}
        assert items[ids["kept"]].item_type == "case"  # the hub's case item is untouched
        assert items[ids["heading"]].item_type == "internal"
        assert db.session.scalars(select(Decision)).all() == []
        assert db.session.scalars(select(MinutesRevision)).all() == []
        action = db.session.scalars(select(ActionItem)).one()
        assert action.is_case and action.source_agenda_item_id is None
        sections = {s.title: s.item_type for s in db.session.scalars(
            select(AgendaTemplateSection))}
        assert sections == {"Cases": "internal", "New situations": "case"}
        db.session.remove()
        db.engine.dispose()
