"""hardening: sign-in throttling by account key and browser, referrals unique per table

- ``login_failures``: failures are counted against a keyed hash of the e-mail typed (never the
  text, which may be a password typed in the wrong box) and the browser's device id. The rows
  are a sliding window of a day at most: the old ones, which stored the typed text, are deleted.
- ``outreach_referrals``: agency + incident number are unique per table, no longer across the
  coalition (a table is not told what another table holds).

Revision ID: e1bc2ee29bb2
Revises: b984b4184f79
Create Date: 2026-11-30 04:49:54.456999

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1bc2ee29bb2'
down_revision = 'b984b4184f79'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM login_failures")
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_key', sa.String(length=64), nullable=False))
        batch_op.add_column(sa.Column('device', sa.String(length=64), nullable=True))
        batch_op.drop_index(batch_op.f('ix_login_failures_email_at'))
        batch_op.create_index('ix_login_failures_account_key_at', ['account_key', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_occurred_at'), ['occurred_at'], unique=False)
        batch_op.drop_column('email')

    with op.batch_alter_table('outreach_referrals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outreach_referrals_agency'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_outreach_referrals_table_id'), ['table_id', 'agency', 'incident_number'])


def downgrade():
    with op.batch_alter_table('outreach_referrals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outreach_referrals_table_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_outreach_referrals_agency'), ['agency', 'incident_number'])

    op.execute("DELETE FROM login_failures")
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.VARCHAR(length=254), nullable=False))
        batch_op.drop_index(batch_op.f('ix_login_failures_occurred_at'))
        batch_op.drop_index('ix_login_failures_account_key_at')
        batch_op.create_index(batch_op.f('ix_login_failures_email_at'), ['email', 'occurred_at'], unique=False)
        batch_op.drop_column('device')
        batch_op.drop_column('account_key')
