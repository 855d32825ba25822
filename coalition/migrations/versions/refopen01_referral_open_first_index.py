"""An index in the referral list's order (table, open first, newest incident first), so a page
of a table's referrals is read from it instead of sorting all of them.

Revision ID: refopen01
Revises: assign01
Create Date: 2026-12-06 23:55:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = 'refopen01'
down_revision = 'assign01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_outreach_referrals_open_first', 'outreach_referrals',
                    ['table_id', sa.text("(CASE WHEN status = 'open' THEN 0 ELSE 1 END)"),
                     sa.text('occurred_at DESC'), sa.text('id DESC')], unique=False)


def downgrade():
    op.drop_index('ix_outreach_referrals_open_first', table_name='outreach_referrals')
