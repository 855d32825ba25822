"""members assign action items: items made between meetings, who assigned an item, notifications

- ``action_items.source_table_id``: the table an item made between meetings belongs to (a
  source of its own: the one-source CHECK now counts it).
- ``action_items.assigned_by_id``: the person who gave the current owner the item.
- ``notifications``: what a person was told (recipient, kind, text, link, created_at, read_at).

Revision ID: assign01
Revises: casefix01
Create Date: 2026-12-06 20:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from coalition.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'assign01'
down_revision = 'casefix01'
branch_labels = None
depends_on = None

SOURCES = ("(CASE WHEN source_meeting_id IS NULL THEN 0 ELSE 1 END) + "
           "(CASE WHEN source_case_id IS NULL THEN 0 ELSE 1 END) + "
           "(CASE WHEN source_recommendation_id IS NULL THEN 0 ELSE 1 END)")
TABLE_SOURCE = " + (CASE WHEN source_table_id IS NULL THEN 0 ELSE 1 END)"


def upgrade():
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('link', sa.String(length=300), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('read_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['recipient_id'], ['people.id'],
                                name=op.f('fk_notifications_recipient_id_people'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_recipient_id_read_at',
                              ['recipient_id', 'read_at'], unique=False)

    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source_table_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_items_assigned_by_id'), ['assigned_by_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_source_table_id'), ['source_table_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_items_assigned_by_id_people'),
                                    'people', ['assigned_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_action_items_source_table_id_coalition_tables'),
                                    'coalition_tables', ['source_table_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.drop_constraint(op.f('ck_action_items_exactly_one_source'), type_='check')
        batch_op.create_check_constraint(op.f('ck_action_items_exactly_one_source'),
                                         SOURCES + TABLE_SOURCE + " = 1")


def downgrade():
    op.execute("DELETE FROM action_items WHERE source_table_id IS NOT NULL")
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_action_items_exactly_one_source'), type_='check')
        batch_op.create_check_constraint(op.f('ck_action_items_exactly_one_source'),
                                         SOURCES + " = 1")
        batch_op.drop_constraint(batch_op.f('fk_action_items_source_table_id_coalition_tables'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_action_items_assigned_by_id_people'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_items_source_table_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_assigned_by_id'))
        batch_op.drop_column('source_table_id')
        batch_op.drop_column('assigned_by_id')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_recipient_id_read_at')
    op.drop_table('notifications')
