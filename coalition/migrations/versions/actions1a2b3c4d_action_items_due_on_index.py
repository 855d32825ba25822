"""action items by due date: an index on ``(due_on, id)``

The coalition's action item list pages through items by due date (open ones, then closed
ones); this index lets each group be read in order instead of sorting every item.

Revision ID: actions1a2b3c4d
Revises: c12c88be1c99
Create Date: 2026-11-30 11:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'actions1a2b3c4d'
down_revision = 'c12c88be1c99'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index('ix_action_items_due_on_id', ['due_on', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index('ix_action_items_due_on_id')
