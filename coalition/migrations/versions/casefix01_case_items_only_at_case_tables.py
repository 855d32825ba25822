"""case items only at tables that review cases: remove those left at other tables

Before this revision a "Case" agenda item could be added at a coalition table. Such a table has no
confidentiality attestation, so nobody could ever see, edit or remove the item, and it was
carried over to every later meeting ("1 case item is hidden"). The screens and services now
refuse it; this revision repairs the items already there.

Why remove rather than turn them into ordinary items: whatever was typed into them (title,
description, minutes, their saved minutes revisions, decisions recorded on them) was written as
case material, and anything born of case material stays case material. Retyping them as public
or internal items with a neutral title would still show their minutes and decisions to everyone
at the table; blanking all of that would leave empty placeholders carried from meeting to
meeting. So each such item is removed with its minutes revisions and its decisions. Action items
decided on it keep their own case mark (they stay visible only to their owner, as before) and
lose only the link to the removed item; items carried over from it lose that link too.

Nothing can be brought back on downgrade: the downgrade does nothing.

Revision ID: casefix01
Revises: ofr1a2b3c4d5
Create Date: 2026-12-06 20:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'casefix01'
down_revision = 'ofr1a2b3c4d5'
branch_labels = None
depends_on = None

OTHER_TABLES = "SELECT id FROM coalition_tables WHERE kind NOT IN ('risk_review', 'ofr')"
STRANDED = (f"SELECT id FROM agenda_items WHERE item_type = 'case' AND is_section = false "
            f"AND table_id IN ({OTHER_TABLES})")


def upgrade():
    # The links first (SQLite may run this without enforcing foreign keys), then the rows.
    op.execute(f"UPDATE action_items SET source_agenda_item_id = NULL "
               f"WHERE source_agenda_item_id IN ({STRANDED})")
    op.execute(f"UPDATE agenda_items SET carried_from_id = NULL "
               f"WHERE carried_from_id IN ({STRANDED})")
    op.execute(f"DELETE FROM decisions WHERE agenda_item_id IN ({STRANDED})")
    op.execute(f"DELETE FROM minutes_revisions WHERE agenda_item_id IN ({STRANDED})")
    op.execute(f"DELETE FROM agenda_items WHERE id IN ({STRANDED})")
    # Headings and template sections are the template's own words, not case material: they
    # stay, as internal ones, so no later agenda is built with a case heading there again.
    op.execute(f"UPDATE agenda_items SET item_type = 'internal' WHERE item_type = 'case' "
               f"AND table_id IN ({OTHER_TABLES})")
    op.execute(f"UPDATE agenda_template_sections SET item_type = 'internal' "
               f"WHERE item_type = 'case' AND table_id IN ({OTHER_TABLES})")


def downgrade():
    pass
