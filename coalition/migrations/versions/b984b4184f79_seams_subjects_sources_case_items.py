"""seams: agenda subjects, case action items, calendar feeds, audit need-to-know

- ``action_items.is_case``: an action item decided on a case agenda item is case material.
  Existing ones are marked, and the agenda lines that copied their title now say only
  "Case action item AI-00042" and are case items themselves.
- ``agenda_items``: at most one subject (the CHECK over the subject columns).
- ``calendar_feeds``: each user's own, hashed, revocable feed token.
- ``audit_events.case_table_id``: rows about case material carry their table, so the audit
  screen applies the same need-to-know as the objects. Existing rows about risk situations,
  referrals, case agenda items, their decisions and action items, and case prints are marked,
  and the summaries that copied case text are replaced (the only change ever made to audit
  rows: a privacy repair, with the append-only triggers lifted for this statement alone).
- ``situation_agencies``: who assigned their own agency, and why.

Revision ID: b984b4184f79
Revises: 933fc0bbe347
Create Date: 2026-11-30 04:13:56.665981

"""
import sqlalchemy as sa
from alembic import op

from coalition.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'b984b4184f79'
down_revision = '933fc0bbe347'
branch_labels = None
depends_on = None

ONE_SUBJECT = ("(CASE WHEN action_item_id IS NULL THEN 0 ELSE 1 END) + "
               "(CASE WHEN situation_id IS NULL THEN 0 ELSE 1 END) <= 1")
REDACTED = "[summary removed: it quoted case material]"
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)

# object type → the table (by SQL on the object's id) whose case material the row is about
CASE_ROWS = {
    "risk_situations": "SELECT table_id FROM risk_situations WHERE id = audit_events.object_id",
    "outreach_attempts": ("SELECT s.table_id FROM outreach_attempts a JOIN risk_situations s "
                          "ON s.id = a.situation_id WHERE a.id = audit_events.object_id"),
    "outreach_referrals": ("SELECT table_id FROM outreach_referrals "
                           "WHERE id = audit_events.object_id"),
    "incident_imports": "SELECT table_id FROM incident_imports WHERE id = audit_events.object_id",
}
# object type → (the case objects' ids, their table): rows whose summaries quoted case text
QUOTED_CASE_ROWS = {
    "agenda_items": ("SELECT id FROM agenda_items WHERE item_type = 'case'",
                     "SELECT table_id FROM agenda_items WHERE id = audit_events.object_id"),
    "decisions": ("SELECT d.id FROM decisions d JOIN agenda_items i ON i.id = d.agenda_item_id "
                  "WHERE i.item_type = 'case'",
                  "SELECT i.table_id FROM decisions d JOIN agenda_items i "
                  "ON i.id = d.agenda_item_id WHERE d.id = audit_events.object_id"),
    "action_items": ("SELECT id FROM action_items WHERE is_case = :yes",
                     "SELECT table_id FROM action_items WHERE id = audit_events.object_id"),
}


def _case_code(dialect: str) -> str:
    if dialect == "postgresql":
        return "'Case action item AI-' || lpad(action_item_id::text, 5, '0')"
    return "'Case action item AI-' || substr('00000' || action_item_id, -5)"


def _audit_repair(bind) -> None:
    yes = {"yes": True}
    for object_type, table_sql in CASE_ROWS.items():
        bind.execute(sa.text(f"UPDATE audit_events SET case_table_id = ({table_sql}) "
                             "WHERE object_type = :kind"), {"kind": object_type})
    bind.execute(sa.text(
        "UPDATE audit_events SET case_table_id = object_id WHERE object_type = 'coalition_tables' "
        "AND action IN ('view', 'export') AND (summary LIKE 'risk board%' "
        "OR summary LIKE 'outreach referrals%')"))
    bind.execute(sa.text(
        "UPDATE audit_events SET case_table_id = (SELECT table_id FROM meetings "
        "WHERE id = audit_events.object_id) WHERE object_type = 'meetings' "
        "AND action IN ('view', 'print')"))
    for object_type, (ids_sql, table_sql) in QUOTED_CASE_ROWS.items():
        bind.execute(sa.text(
            f"UPDATE audit_events SET case_table_id = ({table_sql}), summary = :redacted "
            f"WHERE object_type = :kind AND object_id IN ({ids_sql})"),
            {"kind": object_type, "redacted": REDACTED, **yes})
    bind.execute(sa.text(
        "UPDATE audit_events SET summary = :redacted WHERE object_type = 'outreach_referrals' "
        "AND action = 'dismiss'"), {"redacted": REDACTED})


def upgrade():
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['table_id'], ['coalition_tables.id'], name=op.f('fk_calendar_feeds_table_id_coalition_tables'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    sa.UniqueConstraint('user_id', 'table_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_table_id'), ['table_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_feeds_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_case', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.alter_column('is_case', server_default=None)

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_agenda_items_one_subject'), ONE_SUBJECT)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_table_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_case_table_id'), ['case_table_id'], unique=False)

    with op.batch_alter_table('situation_agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('self_assigned_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('self_assignment_reason', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_situation_agencies_self_assigned_by_id_users'), 'users', ['self_assigned_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('situation_agencies', schema=None) as batch_op:
        batch_op.alter_column('self_assignment_reason', server_default=None)

    # Case material that leaked: action items decided on case items, and their agenda lines.
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE action_items SET is_case = :yes WHERE source_agenda_item_id IN "
        "(SELECT id FROM agenda_items WHERE item_type = 'case')"), {"yes": True})
    bind.execute(sa.text(
        f"UPDATE agenda_items SET item_type = 'case', title = {_case_code(bind.dialect.name)} "
        "WHERE action_item_id IN (SELECT id FROM action_items WHERE is_case = :yes)"),
        {"yes": True})

    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
        _audit_repair(bind)
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        _audit_repair(bind)
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    with op.batch_alter_table('situation_agencies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_situation_agencies_self_assigned_by_id_users'), type_='foreignkey')
        batch_op.drop_column('self_assignment_reason')
        batch_op.drop_column('self_assigned_by_id')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_case_table_id'))
        batch_op.drop_column('case_table_id')

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agenda_items_one_subject'), type_='check')

    with op.batch_alter_table('action_items', schema=None) as batch_op:
        batch_op.drop_column('is_case')

    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_user_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_table_id'))

    op.drop_table('calendar_feeds')
