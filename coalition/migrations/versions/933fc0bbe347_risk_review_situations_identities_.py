"""risk review: situations, identities, outreach, incident referrals

Revision ID: 933fc0bbe347
Revises: f47cc66812d6
Create Date: 2026-11-23 17:57:09.795950

"""
import sqlalchemy as sa
from alembic import op

from coalition.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '933fc0bbe347'
down_revision = 'f47cc66812d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incident_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_incident_imports_imported_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_incident_imports_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_imports'))
    )
    with op.batch_alter_table('incident_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_imports_table_id'), ['table_id'], unique=False)

    op.create_table('risk_situations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('originating_organization_id', sa.Integer(), nullable=False),
    sa.Column('referral_source', sa.String(length=40), nullable=False),
    sa.Column('presented_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('age_range', sa.String(length=20), nullable=True),
    sa.Column('gender', sa.String(length=60), nullable=False),
    sa.Column('language', sa.String(length=60), nullable=False),
    sa.Column('consent_status', sa.String(length=20), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('protective_factors', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_meeting_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('accepted_at', UTCDateTime(), nullable=True),
    sa.Column('first_contact_at', UTCDateTime(), nullable=True),
    sa.Column('times_discussed', sa.Integer(), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('risk_status', sa.String(length=20), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('conclusion_note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("age_range IS NULL OR age_range IN ('under_18', '18_24', '25_34', '35_44', '45_54', '55_64', '65_plus', 'unknown')", name=op.f('ck_risk_situations_age_range')),
    sa.CheckConstraint("consent_status IS NULL OR consent_status IN ('verbal', 'written', 'none', 'not_applicable')", name=op.f('ck_risk_situations_consent_status')),
    sa.CheckConstraint("level IS NULL OR level IN ('individual', 'family', 'group', 'location')", name=op.f('ck_risk_situations_level')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('connected', 'informed', 'refused', 'unable_to_locate', 'referred_elsewhere', 'other')", name=op.f('ck_risk_situations_outcome')),
    sa.CheckConstraint("referral_source IN ('police_overdose_report', 'ems', 'emergency_department', 'walk_in', 'family_friend', 'outreach_worker', 'incident_import', 'other')", name=op.f('ck_risk_situations_referral_source')),
    sa.CheckConstraint("risk_status IS NULL OR risk_status IN ('lowered', 'still_elevated')", name=op.f('ck_risk_situations_risk_status')),
    sa.CheckConstraint("status <> 'rejected' OR (level IS NULL AND age_range IS NULL AND gender = '' AND language = '' AND summary = '' AND protective_factors = '' AND consent_status IS NULL)", name=op.f('ck_risk_situations_rejected_is_minimal')),
    sa.CheckConstraint("status IN ('new', 'accepted', 'rejected', 'concluded')", name=op.f('ck_risk_situations_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_risk_situations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decision_meeting_id'], ['meetings.id'], name=op.f('fk_risk_situations_decision_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['originating_organization_id'], ['organizations.id'], name=op.f('fk_risk_situations_originating_organization_id_organizations')),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_risk_situations_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_situations')),
    sa.UniqueConstraint('code', name=op.f('uq_risk_situations_code'))
    )
    with op.batch_alter_table('risk_situations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_situations_decision_meeting_id'), ['decision_meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_situations_originating_organization_id'), ['originating_organization_id'], unique=False)
        batch_op.create_index('ix_risk_situations_table_id_status', ['table_id', 'status'], unique=False)

    op.create_table('outreach_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('situation_id', sa.Integer(), nullable=False),
    sa.Column('attempted_at', UTCDateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('team', sa.String(length=200), nullable=False),
    sa.Column('police_present', sa.Boolean(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("mode IN ('phone', 'text', 'in_person', 'mail', 'video')", name=op.f('ck_outreach_attempts_mode')),
    sa.CheckConstraint("result IN ('contact_person', 'contact_network', 'no_contact', 'declined')", name=op.f('ck_outreach_attempts_result')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_outreach_attempts_organization_id_organizations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_outreach_attempts_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['situation_id'], ['risk_situations.id'], name=op.f('fk_outreach_attempts_situation_id_risk_situations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_attempts'))
    )
    with op.batch_alter_table('outreach_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_attempts_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_attempts_situation_id'), ['situation_id'], unique=False)

    op.create_table('outreach_referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('incident_number', sa.String(length=60), nullable=False),
    sa.Column('occurred_at', UTCDateTime(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('is_fatal', sa.Boolean(), nullable=False),
    sa.Column('naloxone_administered', sa.Boolean(), nullable=False),
    sa.Column('naloxone_doses', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('dismissal_reason', sa.Text(), nullable=False),
    sa.Column('situation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'converted', 'dismissed')", name=op.f('ck_outreach_referrals_status')),
    sa.CheckConstraint('naloxone_doses IS NULL OR naloxone_doses BETWEEN 0 AND 50', name=op.f('ck_outreach_referrals_naloxone_doses')),
    sa.ForeignKeyConstraint(['import_id'], ['incident_imports.id'], name=op.f('fk_outreach_referrals_import_id_incident_imports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_outreach_referrals_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['situation_id'], ['risk_situations.id'], name=op.f('fk_outreach_referrals_situation_id_risk_situations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_outreach_referrals_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_referrals')),
    sa.UniqueConstraint('agency', 'incident_number', name=op.f('uq_outreach_referrals_agency'))
    )
    with op.batch_alter_table('outreach_referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_referrals_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_referrals_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_referrals_situation_id'), ['situation_id'], unique=False)
        batch_op.create_index('ix_outreach_referrals_table_id_status', ['table_id', 'status'], unique=False)

    op.create_table('situation_agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('situation_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('lead', 'assisting')", name=op.f('ck_situation_agencies_role')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_situation_agencies_organization_id_organizations')),
    sa.ForeignKeyConstraint(['situation_id'], ['risk_situations.id'], name=op.f('fk_situation_agencies_situation_id_risk_situations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_situation_agencies')),
    sa.UniqueConstraint('situation_id', 'organization_id', name=op.f('uq_situation_agencies_situation_id'))
    )
    with op.batch_alter_table('situation_agencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_situation_agencies_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_situation_agencies_situation_id'), ['situation_id'], unique=False)

    op.create_table('situation_discussions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('situation_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_situation_discussions_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['situation_id'], ['risk_situations.id'], name=op.f('fk_situation_discussions_situation_id_risk_situations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_situation_discussions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_situation_discussions'))
    )
    with op.batch_alter_table('situation_discussions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_situation_discussions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_situation_discussions_situation_id'), ['situation_id'], unique=False)

    op.create_table('situation_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('situation_id', sa.Integer(), nullable=False),
    sa.Column('name_encrypted', sa.Text(), nullable=False),
    sa.Column('birth_date_encrypted', sa.Text(), nullable=False),
    sa.Column('location_encrypted', sa.Text(), nullable=False),
    sa.Column('phone_encrypted', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_situation_identities_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['situation_id'], ['risk_situations.id'], name=op.f('fk_situation_identities_situation_id_risk_situations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_situation_identities')),
    sa.UniqueConstraint('situation_id', name=op.f('uq_situation_identities_situation_id'))
    )
    op.create_table('situation_risk_factors',
    sa.Column('situation_id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['situation_id'], ['risk_situations.id'], name=op.f('fk_situation_risk_factors_situation_id_risk_situations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['vocab_terms.id'], name=op.f('fk_situation_risk_factors_term_id_vocab_terms')),
    sa.PrimaryKeyConstraint('situation_id', 'term_id', name=op.f('pk_situation_risk_factors'))
    )
    op.create_table('outreach_services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.CheckConstraint("service IN ('naloxone_kit', 'test_strips', 'overdose_response_plan', 'treatment_referral', 'recovery_coach', 'family_support', 'housing', 'food', 'transportation')", name=op.f('ck_outreach_services_service')),
    sa.ForeignKeyConstraint(['attempt_id'], ['outreach_attempts.id'], name=op.f('fk_outreach_services_attempt_id_outreach_attempts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_services')),
    sa.UniqueConstraint('attempt_id', 'service', name=op.f('uq_outreach_services_attempt_id'))
    )
    with op.batch_alter_table('outreach_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_services_attempt_id'), ['attempt_id'], unique=False)

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('situation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agenda_items_situation_id'), ['situation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agenda_items_situation_id_risk_situations'), 'risk_situations', ['situation_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agenda_items_situation_id_risk_situations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agenda_items_situation_id'))
        batch_op.drop_column('situation_id')

    with op.batch_alter_table('outreach_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_services_attempt_id'))

    op.drop_table('outreach_services')
    op.drop_table('situation_risk_factors')
    op.drop_table('situation_identities')
    with op.batch_alter_table('situation_discussions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_situation_discussions_situation_id'))
        batch_op.drop_index(batch_op.f('ix_situation_discussions_meeting_id'))

    op.drop_table('situation_discussions')
    with op.batch_alter_table('situation_agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_situation_agencies_situation_id'))
        batch_op.drop_index(batch_op.f('ix_situation_agencies_organization_id'))

    op.drop_table('situation_agencies')
    with op.batch_alter_table('outreach_referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_outreach_referrals_table_id_status')
        batch_op.drop_index(batch_op.f('ix_outreach_referrals_situation_id'))
        batch_op.drop_index(batch_op.f('ix_outreach_referrals_organization_id'))
        batch_op.drop_index(batch_op.f('ix_outreach_referrals_import_id'))

    op.drop_table('outreach_referrals')
    with op.batch_alter_table('outreach_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_attempts_situation_id'))
        batch_op.drop_index(batch_op.f('ix_outreach_attempts_organization_id'))

    op.drop_table('outreach_attempts')
    with op.batch_alter_table('risk_situations', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_situations_table_id_status')
        batch_op.drop_index(batch_op.f('ix_risk_situations_originating_organization_id'))
        batch_op.drop_index(batch_op.f('ix_risk_situations_decision_meeting_id'))

    op.drop_table('risk_situations')
    with op.batch_alter_table('incident_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_imports_table_id'))

    op.drop_table('incident_imports')
