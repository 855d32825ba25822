"""An index holding what the risk board counts its sections by (table, status, first contact,
conclusion date), so the board counts them from the index alone.

Revision ID: rosterrisk01
Revises: rosteraudit01
Create Date: 2026-11-30 11:20:00.000000

"""
from alembic import op

revision = 'rosterrisk01'
down_revision = 'rosteraudit01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_risk_situations_board', 'risk_situations',
                    ['table_id', 'status', 'first_contact_at', 'concluded_on'], unique=False)


def downgrade():
    op.drop_index('ix_risk_situations_board', table_name='risk_situations')
