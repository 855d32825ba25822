"""The risk situations' (table, status) index dropped: the board's index begins with the same
two columns and serves every query it served, and each saved situation no longer updates a
fourth index for nothing.

Revision ID: riskidx02
Revises: ofrlist01
Create Date: 2026-12-07 18:40:00.000000

"""
from alembic import op

revision = 'riskidx02'
down_revision = 'ofrlist01'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_risk_situations_table_id_status', table_name='risk_situations')


def downgrade():
    op.create_index('ix_risk_situations_table_id_status', 'risk_situations',
                    ['table_id', 'status'], unique=False)
