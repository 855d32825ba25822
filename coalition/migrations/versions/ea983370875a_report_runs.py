"""report runs

``report_runs``: a report PDF asked for on the reporting screen and rendered off the request
path — what was asked, by whom, and how the rendering went (the PDF itself is a file).

Revision ID: ea983370875a
Revises: 6c8537c33f9d
Create Date: 2026-11-30 07:51:39.383610

"""
import sqlalchemy as sa
from alembic import op

from coalition.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'ea983370875a'
down_revision = '6c8537c33f9d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('report_key', sa.String(length=40), nullable=False),
    sa.Column('report_title', sa.String(length=120), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('period_label', sa.String(length=80), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(length=160), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("audience IN ('public', 'internal')", name=op.f('ck_report_runs_audience')),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_report_runs_status')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_report_runs_period')),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_report_runs_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_runs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_runs')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('report_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_runs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_runs_table_id'), ['table_id'], unique=False)
        batch_op.create_index('ix_report_runs_user_id_created_at', ['user_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('report_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_report_runs_user_id_created_at')
        batch_op.drop_index(batch_op.f('ix_report_runs_table_id'))
        batch_op.drop_index(batch_op.f('ix_report_runs_created_at'))

    op.drop_table('report_runs')
