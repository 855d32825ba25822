"""meetings, agendas, attendance, attestations, minutes, action items

Revision ID: f47cc66812d6
Revises: c55d26e4f771
Create Date: 2026-11-23 17:22:07.182590

"""
import sqlalchemy as sa
from alembic import op

from coalition.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'f47cc66812d6'
down_revision = 'c55d26e4f771'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_template_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('planned_minutes', sa.Integer(), nullable=False),
    sa.Column('item_type', sa.String(length=10), nullable=False),
    sa.Column('receives_due_items', sa.Boolean(), nullable=False),
    sa.CheckConstraint("item_type IN ('public', 'internal', 'case')", name=op.f('ck_agenda_template_sections_item_type')),
    sa.CheckConstraint('planned_minutes BETWEEN 0 AND 480', name=op.f('ck_agenda_template_sections_planned_minutes')),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_agenda_template_sections_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_template_sections'))
    )
    with op.batch_alter_table('agenda_template_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_template_sections_table_id'), ['table_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', UTCDateTime(), nullable=False),
    sa.Column('ends_at', UTCDateTime(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('recorder_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('is_reopened', sa.Boolean(), nullable=False),
    sa.Column('agreement_version', sa.String(length=40), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'scheduled', 'in_progress', 'closed')", name=op.f('ck_meetings_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meetings_ends_after_start')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['people.id'], name=op.f('fk_meetings_facilitator_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorder_id'], ['people.id'], name=op.f('fk_meetings_recorder_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_meetings_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_recorder_id'), ['recorder_id'], unique=False)
        batch_op.create_index('ix_meetings_table_id_starts_at', ['table_id', 'starts_at'], unique=False)

    op.create_table('reminder_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('item_ids', sa.Text(), nullable=False),
    sa.Column('delivery', sa.String(length=20), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_reminder_digests_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_digests')),
    sa.UniqueConstraint('person_id', 'sent_on', name=op.f('uq_reminder_digests_person_id'))
    )
    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('item_type', sa.String(length=10), nullable=False),
    sa.Column('planned_minutes', sa.Integer(), nullable=False),
    sa.Column('is_section', sa.Boolean(), nullable=False),
    sa.Column('is_discussed', sa.Boolean(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('action_item_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("item_type IN ('public', 'internal', 'case')", name=op.f('ck_agenda_items_item_type')),
    sa.CheckConstraint('planned_minutes BETWEEN 0 AND 480', name=op.f('ck_agenda_items_planned_minutes')),
    sa.ForeignKeyConstraint(['carried_from_id'], ['agenda_items.id'], name=op.f('fk_agenda_items_carried_from_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_agenda_items_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_action_item_id'), ['action_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_items_carried_from_id'), ['carried_from_id'], unique=False)
        batch_op.create_index('ix_agenda_items_meeting_id_position', ['meeting_id', 'position'], unique=False)
        batch_op.create_index('ix_agenda_items_table_id_meeting_id', ['table_id', 'meeting_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('guest_name', sa.String(length=120), nullable=False),
    sa.Column('guest_organization', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("person_id IS NOT NULL OR guest_name <> ''", name=op.f('ck_attendance_person_or_guest')),
    sa.CheckConstraint("status IN ('present', 'absent', 'excused')", name=op.f('ck_attendance_status')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendance_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_attendance_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attendance_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_attendance_meeting_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_person_id'), ['person_id'], unique=False)

    op.create_table('attestations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('agreement_version', sa.String(length=40), nullable=False),
    sa.Column('signed_at', UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("method IN ('in_app', 'paper')", name=op.f('ck_attestations_method')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attestations_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attestations_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_attestations_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attestations')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_attestations_meeting_id'))
    )
    with op.batch_alter_table('attestations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attestations_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attestations_person_id'), ['person_id'], unique=False)

    op.create_table('minutes_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('closed_at', UTCDateTime(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_minutes_versions_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_minutes_versions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_versions')),
    sa.UniqueConstraint('meeting_id', 'number', name=op.f('uq_minutes_versions_meeting_id'))
    )
    with op.batch_alter_table('minutes_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_versions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source_meeting_id', sa.Integer(), nullable=True),
    sa.Column('source_agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("priority IN ('low', 'normal', 'high')", name=op.f('ck_action_items_priority')),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'blocked', 'done', 'cancelled')", name=op.f('ck_action_items_status')),
    sa.CheckConstraint('(CASE WHEN source_meeting_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_action_items_exactly_one_source')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_action_items_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_action_items_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_action_items_owner_id_people')),
    sa.ForeignKeyConstraint(['source_agenda_item_id'], ['agenda_items.id'], name=op.f('fk_action_items_source_agenda_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_meeting_id'], ['meetings.id'], name=op.f('fk_action_items_source_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_action_items_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_items'))
    )
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_items_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_action_items_owner_id_status_due_on', ['owner_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_source_agenda_item_id'), ['source_agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_items_source_meeting_id'), ['source_meeting_id'], unique=False)
        batch_op.create_index('ix_action_items_table_id_status_due_on', ['table_id', 'status', 'due_on'], unique=False)

    # agenda_items and action_items point at each other: this key is added once both exist.
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_agenda_items_action_item_id_action_items'),
                                    'action_items', ['action_item_id'], ['id'], ondelete='SET NULL')

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_decisions_agenda_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_decisions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_decisions_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('minutes_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_minutes_revisions_agenda_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_minutes_revisions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_revisions'))
    )
    with op.batch_alter_table('minutes_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_revisions_agenda_item_id'), ['agenda_item_id'], unique=False)

    op.create_table('action_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('old_status', sa.String(length=20), nullable=False),
    sa.Column('new_status', sa.String(length=20), nullable=False),
    sa.Column('old_owner_id', sa.Integer(), nullable=True),
    sa.Column('new_owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_items.id'], name=op.f('fk_action_updates_action_item_id_action_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['new_owner_id'], ['people.id'], name=op.f('fk_action_updates_new_owner_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['old_owner_id'], ['people.id'], name=op.f('fk_action_updates_old_owner_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_action_updates_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_updates'))
    )
    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_updates_action_item_id'), ['action_item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_updates_action_item_id'))

    op.drop_table('action_updates')
    with op.batch_alter_table('minutes_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_revisions_agenda_item_id'))

    op.drop_table('minutes_revisions')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_agenda_item_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agenda_items_action_item_id_action_items'),
                                 type_='foreignkey')

    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_index('ix_action_items_table_id_status_due_on')
        batch_op.drop_index(batch_op.f('ix_action_items_source_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_action_items_source_agenda_item_id'))
        batch_op.drop_index('ix_action_items_owner_id_status_due_on')
        batch_op.drop_index(batch_op.f('ix_action_items_organization_id'))

    op.drop_table('action_items')
    with op.batch_alter_table('minutes_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_versions_meeting_id'))

    op.drop_table('minutes_versions')
    with op.batch_alter_table('attestations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attestations_person_id'))
        batch_op.drop_index(batch_op.f('ix_attestations_meeting_id'))

    op.drop_table('attestations')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_person_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_organization_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_meeting_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_items_table_id_meeting_id')
        batch_op.drop_index('ix_agenda_items_meeting_id_position')
        batch_op.drop_index(batch_op.f('ix_agenda_items_carried_from_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_items_action_item_id'))

    op.drop_table('agenda_items')
    op.drop_table('reminder_digests')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_table_id_starts_at')
        batch_op.drop_index(batch_op.f('ix_meetings_recorder_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_facilitator_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('agenda_template_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_template_sections_table_id'))

    op.drop_table('agenda_template_sections')
