"""fatality review: deaths, cases, identities, timelines

- ``fatality_cases`` and what hangs off them: ``case_identities`` (every identifier encrypted),
  ``case_substances``, ``case_criteria`` against the table's ``selection_criteria``,
  ``records_requests`` and the ``touchpoints`` of the timeline.
- ``death_import_sources``: the column mapping remembered per medical examiner export;
  ``ofr_settings``: a review table's records due days and completeness threshold.
- ``agenda_items.fatality_case_id``: a new agenda subject (the at-most-one-subject CHECK widened);
  ``action_items.source_case_id``: a new action-item source (the exactly-one-source CHECK
  widened).

Revision ID: 5fd5459ac585
Revises: e1bc2ee29bb2
Create Date: 2026-11-30 05:41:52.803997

"""
import sqlalchemy as sa
from alembic import op

from coalition.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '5fd5459ac585'
down_revision = 'e1bc2ee29bb2'
branch_labels = None
depends_on = None

ONE_SUBJECT = ("(CASE WHEN action_item_id IS NULL THEN 0 ELSE 1 END) + "
               "(CASE WHEN situation_id IS NULL THEN 0 ELSE 1 END)")
ONE_SOURCE = "(CASE WHEN source_meeting_id IS NULL THEN 0 ELSE 1 END)"
CASE_SUBJECT = " + (CASE WHEN fatality_case_id IS NULL THEN 0 ELSE 1 END)"
CASE_SOURCE = " + (CASE WHEN source_case_id IS NULL THEN 0 ELSE 1 END)"


def upgrade():
    op.create_table('death_import_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_key', sa.String(length=120), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_death_import_sources_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_death_import_sources')),
    sa.UniqueConstraint('table_id', 'name_key', name=op.f('uq_death_import_sources_table_id'))
    )
    with op.batch_alter_table('death_import_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_death_import_sources_table_id'), ['table_id'], unique=False)

    op.create_table('ofr_settings',
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('records_due_days', sa.Integer(), nullable=False),
    sa.Column('completeness_threshold', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_ofr_settings_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('table_id', name=op.f('pk_ofr_settings'))
    )
    op.create_table('selection_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_selection_criteria_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_criteria'))
    )
    with op.batch_alter_table('selection_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_criteria_table_id'), ['table_id'], unique=False)

    op.create_table('fatality_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('exclusion_reason', sa.Text(), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=True),
    sa.Column('selected_meeting_id', sa.Integer(), nullable=True),
    sa.Column('date_of_death', sa.Date(), nullable=True),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('race', sa.String(length=40), nullable=False),
    sa.Column('ethnicity', sa.String(length=20), nullable=False),
    sa.Column('county_of_residence', sa.String(length=100), nullable=False),
    sa.Column('county_of_death', sa.String(length=100), nullable=False),
    sa.Column('place_of_death', sa.String(length=30), nullable=False),
    sa.Column('manner', sa.String(length=20), nullable=False),
    sa.Column('bystander_present', sa.String(length=10), nullable=False),
    sa.Column('naloxone_administered', sa.String(length=10), nullable=False),
    sa.Column('naloxone_by', sa.String(length=20), nullable=False),
    sa.Column('naloxone_doses', sa.Integer(), nullable=True),
    sa.Column('prior_overdoses', sa.Integer(), nullable=True),
    sa.Column('last_prior_overdose_on', sa.Date(), nullable=True),
    sa.Column('recent_release', sa.String(length=30), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.Column('housing_instability', sa.String(length=10), nullable=False),
    sa.Column('moud_ever', sa.String(length=10), nullable=False),
    sa.Column('moud_at_death', sa.String(length=10), nullable=False),
    sa.Column('mental_health_diagnosis', sa.String(length=10), nullable=False),
    sa.Column('chronic_pain', sa.String(length=10), nullable=False),
    sa.Column('veteran', sa.String(length=10), nullable=False),
    sa.Column('pregnant_postpartum', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status <> 'excluded' OR exclusion_reason <> ''", name=op.f('ck_fatality_cases_excluded_with_reason')),
    sa.CheckConstraint("status IN ('identified', 'awaiting_info', 'eligible', 'selected', 'records_requested', 'summary_drafted', 'reviewed', 'data_complete', 'closed', 'excluded')", name=op.f('ck_fatality_cases_status')),
    sa.CheckConstraint('age IS NULL OR age BETWEEN 0 AND 120', name=op.f('ck_fatality_cases_age')),
    sa.CheckConstraint('naloxone_doses IS NULL OR naloxone_doses BETWEEN 0 AND 50', name=op.f('ck_fatality_cases_naloxone_doses')),
    sa.CheckConstraint('prior_overdoses IS NULL OR prior_overdoses BETWEEN 0 AND 500', name=op.f('ck_fatality_cases_prior_overdoses')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_fatality_cases_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['selected_meeting_id'], ['meetings.id'], name=op.f('fk_fatality_cases_selected_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_fatality_cases_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fatality_cases')),
    sa.UniqueConstraint('code', name=op.f('uq_fatality_cases_code')),
    sa.UniqueConstraint('table_id', 'source_key', name=op.f('uq_fatality_cases_table_id'))
    )
    with op.batch_alter_table('fatality_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fatality_cases_selected_meeting_id'), ['selected_meeting_id'], unique=False)
        batch_op.create_index('ix_fatality_cases_table_id_date_of_death', ['table_id', 'date_of_death'], unique=False)
        batch_op.create_index('ix_fatality_cases_table_id_status', ['table_id', 'status'], unique=False)

    op.create_table('case_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.CheckConstraint("result IN ('met', 'not_met', 'unknown')", name=op.f('ck_case_criteria_result')),
    sa.ForeignKeyConstraint(['case_id'], ['fatality_cases.id'], name=op.f('fk_case_criteria_case_id_fatality_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['selection_criteria.id'], name=op.f('fk_case_criteria_criterion_id_selection_criteria'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_criteria')),
    sa.UniqueConstraint('case_id', 'criterion_id', name=op.f('uq_case_criteria_case_id'))
    )
    with op.batch_alter_table('case_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_criteria_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_criteria_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('case_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name_encrypted', sa.Text(), nullable=False),
    sa.Column('birth_date_encrypted', sa.Text(), nullable=False),
    sa.Column('me_case_number_encrypted', sa.Text(), nullable=False),
    sa.Column('address_encrypted', sa.Text(), nullable=False),
    sa.Column('cause_narrative_encrypted', sa.Text(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['fatality_cases.id'], name=op.f('fk_case_identities_case_id_fatality_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_identities')),
    sa.UniqueConstraint('case_id', name=op.f('uq_case_identities_case_id'))
    )
    op.create_table('case_substances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.CheckConstraint("role IN ('cause', 'present')", name=op.f('ck_case_substances_role')),
    sa.ForeignKeyConstraint(['case_id'], ['fatality_cases.id'], name=op.f('fk_case_substances_case_id_fatality_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['vocab_terms.id'], name=op.f('fk_case_substances_term_id_vocab_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_substances')),
    sa.UniqueConstraint('case_id', 'term_id', name=op.f('uq_case_substances_case_id'))
    )
    with op.batch_alter_table('case_substances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_substances_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_substances_term_id'), ['term_id'], unique=False)

    op.create_table('records_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('nothing_found', sa.Boolean(), nullable=False),
    sa.Column('is_part2', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('due_on >= requested_on', name=op.f('ck_records_requests_due_after_requested')),
    sa.CheckConstraint('received_on IS NULL OR received_on >= requested_on', name=op.f('ck_records_requests_received_after_requested')),
    sa.ForeignKeyConstraint(['case_id'], ['fatality_cases.id'], name=op.f('fk_records_requests_case_id_fatality_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_records_requests_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records_requests')),
    sa.UniqueConstraint('case_id', 'organization_id', name=op.f('uq_records_requests_case_id'))
    )
    with op.batch_alter_table('records_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_requests_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_records_requests_open', ['received_on', 'nothing_found', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_records_requests_organization_id'), ['organization_id'], unique=False)

    op.create_table('touchpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('precision', sa.String(length=10), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('source_record', sa.String(length=200), nullable=False),
    sa.Column('is_missed_opportunity', sa.Boolean(), nullable=False),
    sa.Column('gap_type_id', sa.Integer(), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('is_part2', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("precision IN ('day', 'month', 'year')", name=op.f('ck_touchpoints_precision')),
    sa.CheckConstraint('is_missed_opportunity OR gap_type_id IS NULL', name=op.f('ck_touchpoints_gap_only_when_missed')),
    sa.ForeignKeyConstraint(['case_id'], ['fatality_cases.id'], name=op.f('fk_touchpoints_case_id_fatality_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_touchpoints_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gap_type_id'], ['vocab_terms.id'], name=op.f('fk_touchpoints_gap_type_id_vocab_terms')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_touchpoints_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sector_id'], ['vocab_terms.id'], name=op.f('fk_touchpoints_sector_id_vocab_terms')),
    sa.ForeignKeyConstraint(['stage_id'], ['vocab_terms.id'], name=op.f('fk_touchpoints_stage_id_vocab_terms')),
    sa.ForeignKeyConstraint(['type_id'], ['vocab_terms.id'], name=op.f('fk_touchpoints_type_id_vocab_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_touchpoints'))
    )
    with op.batch_alter_table('touchpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_touchpoints_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_touchpoints_gap_type_id'), ['gap_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_touchpoints_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_touchpoints_sector_id'), ['sector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_touchpoints_stage_id'), ['stage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_touchpoints_type_id'), ['type_id'], unique=False)

    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_case_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_items_source_case_id'), ['source_case_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_items_source_case_id_fatality_cases'), 'fatality_cases', ['source_case_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(op.f('ck_action_items_exactly_one_source'), type_='check')
        batch_op.create_check_constraint(op.f('ck_action_items_exactly_one_source'),
                                         ONE_SOURCE + CASE_SOURCE + " = 1")

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fatality_case_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agenda_items_fatality_case_id'), ['fatality_case_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agenda_items_fatality_case_id_fatality_cases'), 'fatality_cases', ['fatality_case_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(op.f('ck_agenda_items_one_subject'), type_='check')
        batch_op.create_check_constraint(op.f('ck_agenda_items_one_subject'),
                                         ONE_SUBJECT + CASE_SUBJECT + " <= 1")



def downgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agenda_items_one_subject'), type_='check')
        batch_op.create_check_constraint(op.f('ck_agenda_items_one_subject'), ONE_SUBJECT + " <= 1")
        batch_op.drop_constraint(batch_op.f('fk_agenda_items_fatality_case_id_fatality_cases'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agenda_items_fatality_case_id'))
        batch_op.drop_column('fatality_case_id')

    op.execute("DELETE FROM action_items WHERE source_case_id IS NOT NULL")
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_action_items_exactly_one_source'), type_='check')
        batch_op.create_check_constraint(op.f('ck_action_items_exactly_one_source'), ONE_SOURCE + " = 1")
        batch_op.drop_constraint(batch_op.f('fk_action_items_source_case_id_fatality_cases'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_items_source_case_id'))
        batch_op.drop_column('source_case_id')

    with op.batch_alter_table('touchpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_touchpoints_type_id'))
        batch_op.drop_index(batch_op.f('ix_touchpoints_stage_id'))
        batch_op.drop_index(batch_op.f('ix_touchpoints_sector_id'))
        batch_op.drop_index(batch_op.f('ix_touchpoints_organization_id'))
        batch_op.drop_index(batch_op.f('ix_touchpoints_gap_type_id'))
        batch_op.drop_index(batch_op.f('ix_touchpoints_case_id'))

    op.drop_table('touchpoints')
    with op.batch_alter_table('records_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_requests_organization_id'))
        batch_op.drop_index('ix_records_requests_open')
        batch_op.drop_index(batch_op.f('ix_records_requests_case_id'))

    op.drop_table('records_requests')
    with op.batch_alter_table('case_substances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_substances_term_id'))
        batch_op.drop_index(batch_op.f('ix_case_substances_case_id'))

    op.drop_table('case_substances')
    op.drop_table('case_identities')
    with op.batch_alter_table('case_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_criteria_criterion_id'))
        batch_op.drop_index(batch_op.f('ix_case_criteria_case_id'))

    op.drop_table('case_criteria')
    with op.batch_alter_table('fatality_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_fatality_cases_table_id_status')
        batch_op.drop_index('ix_fatality_cases_table_id_date_of_death')
        batch_op.drop_index(batch_op.f('ix_fatality_cases_selected_meeting_id'))

    op.drop_table('fatality_cases')
    with op.batch_alter_table('selection_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selection_criteria_table_id'))

    op.drop_table('selection_criteria')
    op.drop_table('ofr_settings')
    with op.batch_alter_table('death_import_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_death_import_sources_table_id'))

    op.drop_table('death_import_sources')
