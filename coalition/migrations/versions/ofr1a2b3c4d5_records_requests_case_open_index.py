"""records requests: one index for a case's requests and which of them are overdue

- ``ix_records_requests_case_open`` on ``(case_id, received_on, nothing_found, due_on)``: the
  deaths list counts each case's requests and overdue requests, and a table's overdue requests,
  from the index alone (starting from the table's open cases). It replaces
  ``ix_records_requests_case_id``, its first column.

Revision ID: ofr1a2b3c4d5
Revises: rosterrisk01
Create Date: 2026-11-30 11:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'ofr1a2b3c4d5'
down_revision = 'rosterrisk01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('records_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_records_requests_case_id')
        batch_op.create_index('ix_records_requests_case_open',
                              ['case_id', 'received_on', 'nothing_found', 'due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('records_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_records_requests_case_open')
        batch_op.create_index('ix_records_requests_case_id', ['case_id'], unique=False)
