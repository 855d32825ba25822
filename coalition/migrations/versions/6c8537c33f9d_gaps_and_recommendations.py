"""gaps and recommendations

- ``gaps`` with their sectors, history (``gap_events``) and the missed opportunities linked to
  them (``gap_links``, one gap per missed opportunity);
- ``recommendations`` with their gaps, cases and partner agencies, and the dated status log
  (``recommendation_updates``);
- ``agenda_items.recommendation_id``: a new agenda subject (the at-most-one-subject CHECK
  widened); ``action_items.source_recommendation_id``: a new action-item source (the
  exactly-one-source CHECK widened).

Revision ID: 6c8537c33f9d
Revises: 5fd5459ac585
Create Date: 2026-11-30 06:40:32.182036

"""
import sqlalchemy as sa
from alembic import op

from coalition.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '6c8537c33f9d'
down_revision = '5fd5459ac585'
branch_labels = None
depends_on = None

ONE_SUBJECT = ("(CASE WHEN action_item_id IS NULL THEN 0 ELSE 1 END) + "
               "(CASE WHEN situation_id IS NULL THEN 0 ELSE 1 END) + "
               "(CASE WHEN fatality_case_id IS NULL THEN 0 ELSE 1 END)")
ONE_SOURCE = ("(CASE WHEN source_meeting_id IS NULL THEN 0 ELSE 1 END) + "
              "(CASE WHEN source_case_id IS NULL THEN 0 ELSE 1 END)")
NEW_SUBJECT = " + (CASE WHEN recommendation_id IS NULL THEN 0 ELSE 1 END)"
NEW_SOURCE = " + (CASE WHEN source_recommendation_id IS NULL THEN 0 ELSE 1 END)"


def upgrade():
    op.create_table('gaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('gap_type_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)", name=op.f('ck_gaps_merged')),
    sa.CheckConstraint("status IN ('identified', 'recommendation_made', 'being_addressed', 'addressed', 'merged')", name=op.f('ck_gaps_status')),
    sa.CheckConstraint('merged_into_id IS NULL OR merged_into_id <> id', name=op.f('ck_gaps_not_itself')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_gaps_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gap_type_id'], ['vocab_terms.id'], name=op.f('fk_gaps_gap_type_id_vocab_terms')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['gaps.id'], name=op.f('fk_gaps_merged_into_id_gaps')),
    sa.ForeignKeyConstraint(['stage_id'], ['vocab_terms.id'], name=op.f('fk_gaps_stage_id_vocab_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gaps')),
    sa.UniqueConstraint('code', name=op.f('uq_gaps_code'))
    )
    with op.batch_alter_table('gaps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gaps_gap_type_id'), ['gap_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gaps_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gaps_stage_id'), ['stage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gaps_status'), ['status'], unique=False)

    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('target_level', sa.String(length=20), nullable=True),
    sa.Column('strategy', sa.String(length=30), nullable=True),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('lead_organization_id', sa.Integer(), nullable=True),
    sa.Column('lead_person_id', sa.Integer(), nullable=True),
    sa.Column('success_measure', sa.String(length=300), nullable=False),
    sa.Column('baseline', sa.String(length=200), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('blockers', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('source_meeting_id', sa.Integer(), nullable=True),
    sa.Column('last_update_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("decision IS NULL OR decision <> 'endorsed' OR lead_organization_id IS NOT NULL", name=op.f('ck_recommendations_endorsed_has_lead')),
    sa.CheckConstraint("decision IS NULL OR decision IN ('endorsed', 'returned', 'declined')", name=op.f('ck_recommendations_decision')),
    sa.CheckConstraint("scope IN ('community', 'case_specific')", name=op.f('ck_recommendations_scope')),
    sa.CheckConstraint("strategy IS NULL OR strategy IN ('training', 'policy_protocol', 'service', 'data_sharing', 'funding', 'public_awareness')", name=op.f('ck_recommendations_strategy')),
    sa.CheckConstraint("target = '' OR success_measure <> ''", name=op.f('ck_recommendations_target_needs_measure')),
    sa.CheckConstraint("target_level IS NULL OR target_level IN ('system', 'agency', 'population', 'research', 'policy')", name=op.f('ck_recommendations_target_level')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_recommendations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_recommendations_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_organization_id'], ['organizations.id'], name=op.f('fk_recommendations_lead_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_person_id'], ['people.id'], name=op.f('fk_recommendations_lead_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_meeting_id'], ['meetings.id'], name=op.f('fk_recommendations_source_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['vocab_terms.id'], name=op.f('fk_recommendations_stage_id_vocab_terms')),
    sa.ForeignKeyConstraint(['status_id'], ['vocab_terms.id'], name=op.f('fk_recommendations_status_id_vocab_terms')),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_recommendations_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('code', name=op.f('uq_recommendations_code'))
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_last_update_on'), ['last_update_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_lead_organization_id'), ['lead_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_lead_person_id'), ['lead_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_source_meeting_id'), ['source_meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_stage_id'), ['stage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_status_id'), ['status_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_table_id'), ['table_id'], unique=False)

    op.create_table('gap_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gap_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['gap_id'], ['gaps.id'], name=op.f('fk_gap_events_gap_id_gaps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_gap_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gap_events'))
    )
    with op.batch_alter_table('gap_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gap_events_gap_id'), ['gap_id'], unique=False)

    op.create_table('gap_sectors',
    sa.Column('gap_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gap_id'], ['gaps.id'], name=op.f('fk_gap_sectors_gap_id_gaps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['vocab_terms.id'], name=op.f('fk_gap_sectors_sector_id_vocab_terms')),
    sa.PrimaryKeyConstraint('gap_id', 'sector_id', name=op.f('pk_gap_sectors'))
    )
    with op.batch_alter_table('gap_sectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gap_sectors_sector_id'), ['sector_id'], unique=False)

    op.create_table('recommendation_cases',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['fatality_cases.id'], name=op.f('fk_recommendation_cases_case_id_fatality_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_cases_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('recommendation_id', 'case_id', name=op.f('pk_recommendation_cases'))
    )
    with op.batch_alter_table('recommendation_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_cases_case_id'), ['case_id'], unique=False)

    op.create_table('recommendation_gaps',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('gap_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gap_id'], ['gaps.id'], name=op.f('fk_recommendation_gaps_gap_id_gaps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_gaps_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('recommendation_id', 'gap_id', name=op.f('pk_recommendation_gaps'))
    )
    with op.batch_alter_table('recommendation_gaps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_gaps_gap_id'), ['gap_id'], unique=False)

    op.create_table('recommendation_partners',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_recommendation_partners_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_partners_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('recommendation_id', 'organization_id', name=op.f('pk_recommendation_partners'))
    )
    with op.batch_alter_table('recommendation_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_partners_organization_id'), ['organization_id'], unique=False)

    op.create_table('recommendation_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('updated_on', sa.Date(), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_updates_recommendation_id_recommendations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['vocab_terms.id'], name=op.f('fk_recommendation_updates_status_id_vocab_terms')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recommendation_updates_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_updates'))
    )
    with op.batch_alter_table('recommendation_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_updates_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('gap_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gap_id', sa.Integer(), nullable=False),
    sa.Column('touchpoint_id', sa.Integer(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('linked_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['gap_id'], ['gaps.id'], name=op.f('fk_gap_links_gap_id_gaps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_gap_links_linked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['touchpoint_id'], ['touchpoints.id'], name=op.f('fk_gap_links_touchpoint_id_touchpoints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gap_links')),
    sa.UniqueConstraint('touchpoint_id', name=op.f('uq_gap_links_touchpoint_id'))
    )
    with op.batch_alter_table('gap_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gap_links_gap_id'), ['gap_id'], unique=False)

    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_recommendation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_items_source_recommendation_id'), ['source_recommendation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_items_source_recommendation_id_recommendations'), 'recommendations', ['source_recommendation_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(op.f('ck_action_items_exactly_one_source'), type_='check')
        batch_op.create_check_constraint(op.f('ck_action_items_exactly_one_source'),
                                         ONE_SOURCE + NEW_SOURCE + " = 1")

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recommendation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agenda_items_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agenda_items_recommendation_id_recommendations'), 'recommendations', ['recommendation_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(op.f('ck_agenda_items_one_subject'), type_='check')
        batch_op.create_check_constraint(op.f('ck_agenda_items_one_subject'),
                                         ONE_SUBJECT + NEW_SUBJECT + " <= 1")



def downgrade():
    op.execute("DELETE FROM agenda_items WHERE recommendation_id IS NOT NULL")
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agenda_items_one_subject'), type_='check')
        batch_op.create_check_constraint(op.f('ck_agenda_items_one_subject'), ONE_SUBJECT + " <= 1")
        batch_op.drop_constraint(batch_op.f('fk_agenda_items_recommendation_id_recommendations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agenda_items_recommendation_id'))
        batch_op.drop_column('recommendation_id')

    op.execute("DELETE FROM action_items WHERE source_recommendation_id IS NOT NULL")
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_action_items_exactly_one_source'), type_='check')
        batch_op.create_check_constraint(op.f('ck_action_items_exactly_one_source'), ONE_SOURCE + " = 1")
        batch_op.drop_constraint(batch_op.f('fk_action_items_source_recommendation_id_recommendations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_items_source_recommendation_id'))
        batch_op.drop_column('source_recommendation_id')

    with op.batch_alter_table('gap_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gap_links_gap_id'))

    op.drop_table('gap_links')
    with op.batch_alter_table('recommendation_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_updates_recommendation_id'))

    op.drop_table('recommendation_updates')
    with op.batch_alter_table('recommendation_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_partners_organization_id'))

    op.drop_table('recommendation_partners')
    with op.batch_alter_table('recommendation_gaps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_gaps_gap_id'))

    op.drop_table('recommendation_gaps')
    with op.batch_alter_table('recommendation_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_cases_case_id'))

    op.drop_table('recommendation_cases')
    with op.batch_alter_table('gap_sectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gap_sectors_sector_id'))

    op.drop_table('gap_sectors')
    with op.batch_alter_table('gap_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gap_events_gap_id'))

    op.drop_table('gap_events')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendations_table_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_status_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_stage_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_source_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_lead_person_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_lead_organization_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_last_update_on'))

    op.drop_table('recommendations')
    with op.batch_alter_table('gaps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gaps_status'))
        batch_op.drop_index(batch_op.f('ix_gaps_stage_id'))
        batch_op.drop_index(batch_op.f('ix_gaps_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_gaps_gap_type_id'))

    op.drop_table('gaps')
