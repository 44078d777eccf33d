"""ledger: entries sealed in batches (seq), secret ballots sealed by a MAC, the chain's head kept at close

Revision ID: 0003_ledger
Revises: 0002_meetings
Create Date: 2026-12-02 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_ledger'
down_revision = '0002_meetings'
branch_labels = None
depends_on = None


def upgrade():
    # The chain's order is `seq`, given when an entry is sealed; `id` is the order in which it was written.
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('entry_hash', existing_type=sa.String(length=64), nullable=True)
    op.execute('UPDATE audit_entry SET seq = id')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entry_seq'), ['seq'])
    op.create_index(
        'ix_audit_entry_unsealed',
        'audit_entry',
        ['id'],
        unique=False,
        postgresql_where=sa.text('seq IS NULL'),
        sqlite_where=sa.text('seq IS NULL'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        # Entries used to be written with explicit ids; the sequence now numbers them.
        op.execute("SELECT setval(pg_get_serial_sequence('audit_entry', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM audit_entry")

    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))

    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_head_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('audit_head_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.drop_column('audit_head_hash')
        batch_op.drop_column('audit_head_seq')

    with op.batch_alter_table('ballot', schema=None) as batch_op:
        batch_op.drop_column('mac')

    op.drop_index('ix_audit_entry_unsealed', table_name='audit_entry')
    op.execute('DELETE FROM audit_entry WHERE seq IS NULL')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_entry_seq'), type_='unique')
        batch_op.alter_column('entry_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('seq')
