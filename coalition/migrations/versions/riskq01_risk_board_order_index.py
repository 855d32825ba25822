"""An index in the risk board's order of a section (table, status, presented on, id), so the
board reads each section's first rows from it instead of sorting the whole section.

Revision ID: riskq01
Revises: meetstart01
Create Date: 2026-12-07 02:40:00.000000

"""
from alembic import op

revision = 'riskq01'
down_revision = 'meetstart01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_risk_situations_board_order', 'risk_situations',
                    ['table_id', 'status', 'presented_on', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_risk_situations_board_order', table_name='risk_situations')
