"""An index in the deaths list's order (table, most recent death first, unknown dates last,
newest case first), so a page of a table's deaths is read from it instead of sorting all of
them. PostgreSQL only: SQLite cannot write NULLS LAST in an index, and its existing
(table_id, date_of_death) index already serves that order there.

Revision ID: ofrlist01
Revises: riskq01
Create Date: 2026-12-07 02:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = 'ofrlist01'
down_revision = 'riskq01'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_fatality_cases_death_order', 'fatality_cases',
                        ['table_id', sa.text('date_of_death DESC NULLS LAST'),
                         sa.text('id DESC')], unique=False)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_fatality_cases_death_order', table_name='fatality_cases')
