"""meetings.started_at: when the meeting was actually started, for the run screen's clock
(it counted from the scheduled start, so a meeting begun late showed minutes never spent).

Revision ID: meetstart01
Revises: refopen01
Create Date: 2026-12-07 02:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

from coalition.core.db import UTCDateTime

revision = 'meetstart01'
down_revision = 'refopen01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.add_column(sa.Column('started_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.drop_column('started_at')
