"""packet copies: the numbered copies of a meeting's confidential packet

- ``packet_copies``: one row per packet printed, numbered per meeting from 1 (the unique
  ``(meeting_id, copy_number)`` makes two simultaneous prints unable to get the same number),
  with the recipient as printed, who printed it and when; the list of copies to collect at the
  end of the meeting.

Revision ID: 28cf31c8922b
Revises: ea983370875a
Create Date: 2026-11-30 07:41:19.730823

"""
import sqlalchemy as sa
from alembic import op

from coalition.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '28cf31c8922b'
down_revision = 'ea983370875a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('packet_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('copy_number', sa.Integer(), nullable=False),
    sa.Column('recipient_person_id', sa.Integer(), nullable=True),
    sa.Column('recipient_name', sa.String(length=120), nullable=False),
    sa.Column('printed_by_id', sa.Integer(), nullable=True),
    sa.Column('printed_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('copy_number >= 1', name=op.f('ck_packet_copies_copy_number')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_packet_copies_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['printed_by_id'], ['users.id'], name=op.f('fk_packet_copies_printed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recipient_person_id'], ['people.id'], name=op.f('fk_packet_copies_recipient_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packet_copies')),
    sa.UniqueConstraint('meeting_id', 'copy_number', name=op.f('uq_packet_copies_meeting_id'))
    )
    with op.batch_alter_table('packet_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packet_copies_recipient_person_id'), ['recipient_person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('packet_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packet_copies_recipient_person_id'))

    op.drop_table('packet_copies')
