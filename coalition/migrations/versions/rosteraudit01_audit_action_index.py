"""An index on the audit log's action, so the audit screen lists the actions present by a loose
index scan instead of reading the whole log.

Revision ID: rosteraudit01
Revises: actions1a2b3c4d
Create Date: 2026-11-30 11:10:00.000000

"""
from alembic import op

revision = 'rosteraudit01'
down_revision = 'actions1a2b3c4d'
branch_labels = None
depends_on = None


# Plain index statements, not a batch: the table keeps its append-only triggers.
def upgrade():
    op.create_index('ix_audit_events_action', 'audit_events', ['action'], unique=False)


def downgrade():
    op.drop_index('ix_audit_events_action', table_name='audit_events')
