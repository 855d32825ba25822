"""An index on the audit log's action, so the audit screen lists the actions present by a loose
index scan instead of reading the whole log.

Revision ID: rosteraudit01
Revises: 28cf31c8922b
Create Date: 2026-03-02 10:00:00.000000

"""
from alembic import op

revision = 'rosteraudit01'
down_revision = '28cf31c8922b'
branch_labels = None
depends_on = None


# Plain index statements, not a batch: the table keeps its append-only triggers.
def upgrade():
    op.create_index('ix_audit_events_action', 'audit_events', ['action'], unique=False)


def downgrade():
    op.drop_index('ix_audit_events_action', table_name='audit_events')
