"""Agenda templates: each table's ordered sections that new agendas start from.

``ensure_template(table)`` seeds a default template for the table's kind the first time one is
needed; coordinators then add, remove, rename, retime, retype and reorder sections.
"""

from __future__ import annotations

from sqlalchemy import func, select

from coalition.core import audit
from coalition.core.errors import ServiceError
from coalition.core.text import clean
from coalition.extensions import db
from coalition.meetings.models import ITEM_TYPES, MAX_ITEM_MINUTES, AgendaTemplateSection
from coalition.roster.models import CoalitionTable

TITLE_MAX = 200
MINUTES_MESSAGE = f"Enter a number of minutes between 0 and {MAX_ITEM_MINUTES}."

# kind → sections: (title, planned minutes, item type, receives due items)
DEFAULT_TEMPLATES: dict[str, list[tuple[str, int, str, bool]]] = {
    "ofr": [
        ("Opening and updates", 10, "internal", True),
        ("Goals and ground rules", 5, "internal", False),
        ("Confidentiality", 5, "internal", False),
        ("Case presentation", 20, "case", False),
        ("Member report-outs", 30, "case", False),
        ("Group discussion", 20, "case", False),
        ("Case and timeline summary", 10, "case", False),
        ("Recommendations", 15, "internal", False),
        ("Summarize and adjourn", 5, "public", False),
    ],
    "risk_review": [
        ("Updates on open situations", 30, "case", True),
        ("New situations", 40, "case", False),
        ("Action items due", 10, "internal", False),
    ],
    "coalition": [
        ("Welcome and introductions", 10, "public", False),
        ("Action items due", 15, "public", True),
        ("Workgroup reports", 30, "public", False),
        ("New business", 20, "public", False),
        ("Announcements and adjourn", 10, "public", False),
    ],
}


def template_sections(table: CoalitionTable) -> list[AgendaTemplateSection]:
    return list(db.session.scalars(
        select(AgendaTemplateSection).where(AgendaTemplateSection.table_id == table.id)
        .order_by(AgendaTemplateSection.position, AgendaTemplateSection.id)))


def default_sections(table: CoalitionTable) -> list[AgendaTemplateSection]:
    """The standard sections for the table's kind, as unsaved rows (to show or to seed)."""
    return [AgendaTemplateSection(table_id=table.id, position=position, title=title,
                                  planned_minutes=minutes, item_type=item_type,
                                  receives_due_items=receives)
            for position, (title, minutes, item_type, receives) in enumerate(
                DEFAULT_TEMPLATES.get(table.kind, DEFAULT_TEMPLATES["coalition"]))]


def ensure_template(table: CoalitionTable, *, actor=None) -> list[AgendaTemplateSection]:
    """The table's template, seeded from the default for its kind if it has none yet (audited
    when a person asked for it)."""
    sections = template_sections(table)
    if sections:
        return sections
    sections = default_sections(table)
    db.session.add_all(sections)
    db.session.flush()
    if actor is not None:
        audit.log(actor, "create", table, object_type="agenda_template",
                  summary=f"agenda template of {table.name!r} started from the standard one")
    return sections


def clean_title(value, *, field: str = "title") -> str:
    return clean(value, field=field, max_length=TITLE_MAX, required="Enter a title.")


NO_CASE_KIND_MESSAGE = ("Choose public or internal: case items and sections belong to tables "
                        "that review cases (risk review, fatality review).")


def clean_minutes(value, *, field: str = "planned_minutes") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ITEM_MINUTES:
        raise ServiceError(MINUTES_MESSAGE, field=field)
    return value


def clean_item_type(value, *, field: str = "item_type",
                    table: CoalitionTable | None = None) -> str:
    """One of the item types; "case" only at ``table`` when it reviews cases (given a table)."""
    if value not in ITEM_TYPES:
        raise ServiceError("Choose public, internal or case.", field=field)
    if value == "case" and table is not None and not table.reviews_cases:
        raise ServiceError(NO_CASE_KIND_MESSAGE, field=field)
    return value


def add_section(actor, table: CoalitionTable, *, title, planned_minutes, item_type,
                receives_due_items=False) -> AgendaTemplateSection:
    sections = ensure_template(table)
    section = AgendaTemplateSection(
        table_id=table.id, title=clean_title(title), planned_minutes=clean_minutes(planned_minutes),
        item_type=clean_item_type(item_type, table=table),
        receives_due_items=bool(receives_due_items),
        position=max((s.position for s in sections), default=-1) + 1)
    db.session.add(section)
    db.session.flush()
    audit.log(actor, "create", section, summary=f"template section {section.title!r} added to "
                                                f"{table.name!r}")
    return section


def update_section(actor, section: AgendaTemplateSection, *, title, planned_minutes, item_type,
                   receives_due_items) -> bool:
    before = _facts(section)
    section.title = clean_title(title)
    section.planned_minutes = clean_minutes(planned_minutes)
    section.item_type = clean_item_type(item_type, table=section.table)
    section.receives_due_items = bool(receives_due_items)
    after = _facts(section)
    if before == after:
        return False
    db.session.flush()
    audit.log(actor, "update", section, summary=audit.describe_changes(before, after))
    return True


def remove_section(actor, section: AgendaTemplateSection) -> None:
    audit.log(actor, "remove", section, summary=f"template section {section.title!r} removed")
    db.session.delete(section)
    db.session.flush()


def move_section(actor, section: AgendaTemplateSection, offset: int) -> bool:
    """Swap the section with its neighbour above (``-1``) or below (``+1``)."""
    sections = template_sections(section.table)
    index = sections.index(section)
    other = index + offset
    if not 0 <= other < len(sections):
        return False
    sections[index], sections[other] = sections[other], sections[index]
    for position, row in enumerate(sections):
        row.position = position
    db.session.flush()
    audit.log(actor, "move", section,
              summary=f"template section {section.title!r} moved {'up' if offset < 0 else 'down'}")
    return True


def template_count(table: CoalitionTable) -> int:
    return db.session.scalar(select(func.count(AgendaTemplateSection.id)).where(
        AgendaTemplateSection.table_id == table.id))


def _facts(section: AgendaTemplateSection) -> dict:
    return {"title": section.title, "planned_minutes": section.planned_minutes,
            "item_type": section.item_type, "receives_due_items": section.receives_due_items}
