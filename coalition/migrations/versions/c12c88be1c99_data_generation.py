"""data generation: one row counting committed changes

- ``data_generation``: a single row (id 1) whose ``value`` grows with every committed transaction
  that changed data; results kept between requests (the dashboard's cards) are keyed by it.

Revision ID: c12c88be1c99
Revises: 28cf31c8922b
Create Date: 2026-11-30 10:49:51.680295

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c12c88be1c99'
down_revision = '28cf31c8922b'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('data_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_generation'))
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])


def downgrade():
    op.drop_table('data_generation')
