"""meeting room: presence, proxies (volmachten), polls of a meeting, how each vote was cast

Revision ID: 0003_meeting_room
Revises: 0003_ledger
Create Date: 2026-12-02 07:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003_meeting_room'
down_revision = '0003_ledger'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_proxies_per_holder', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_check_constraint(
            op.f('ck_network_max_proxies_not_negative'), 'max_proxies_per_holder >= 0'
        )

    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_poll_meeting_id_meeting'), 'meeting', ['meeting_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_poll_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('poll_voter', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'cast_mode',
                sa.Enum('online', 'proxy', 'in_room', name='cast_mode', native_enum=False, create_constraint=True,
                        length=32),
                nullable=False,
                server_default='online',
            )
        )

    op.create_table('meeting_presence',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('by_vote', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_meeting_presence_city_id_city')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_presence_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_meeting_presence_updated_by_id_user')),
    sa.PrimaryKeyConstraint('meeting_id', 'city_id', name=op.f('pk_meeting_presence'))
    )
    op.create_table('proxy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('from_city_id', sa.Integer(), nullable=False),
    sa.Column('to_city_id', sa.Integer(), nullable=False),
    sa.Column('mandate_name', sa.String(length=80), nullable=True),
    sa.Column('mandate_sha256', sa.String(length=64), nullable=True),
    sa.Column('mandate_size', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('from_city_id <> to_city_id', name=op.f('ck_proxy_not_to_itself')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_proxy_created_by_id_user')),
    sa.ForeignKeyConstraint(['from_city_id'], ['city.id'], name=op.f('fk_proxy_from_city_id_city')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_proxy_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], name=op.f('fk_proxy_revoked_by_id_user')),
    sa.ForeignKeyConstraint(['to_city_id'], ['city.id'], name=op.f('fk_proxy_to_city_id_city')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proxy'))
    )
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proxy_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(
            'uq_proxy_active_from',
            ['meeting_id', 'from_city_id'],
            unique=True,
            sqlite_where=sa.text('revoked_at IS NULL'),
            postgresql_where=sa.text('revoked_at IS NULL'),
        )

    op.create_table('poll_presence',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('proxy_id', sa.Integer(), nullable=True),
    sa.Column('proxy_to_city_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['city_id'], ['city.id'], name=op.f('fk_poll_presence_city_id_city')),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], name=op.f('fk_poll_presence_poll_id_poll')),
    sa.ForeignKeyConstraint(['proxy_id'], ['proxy.id'], name=op.f('fk_poll_presence_proxy_id_proxy')),
    sa.ForeignKeyConstraint(['proxy_to_city_id'], ['city.id'], name=op.f('fk_poll_presence_proxy_to_city_id_city')),
    sa.PrimaryKeyConstraint('poll_id', 'city_id', name=op.f('pk_poll_presence'))
    )


def downgrade():
    op.drop_table('poll_presence')
    with op.batch_alter_table('proxy', schema=None) as batch_op:
        batch_op.drop_index('uq_proxy_active_from')
        batch_op.drop_index(batch_op.f('ix_proxy_meeting_id'))

    op.drop_table('proxy')
    op.drop_table('meeting_presence')
    with op.batch_alter_table('poll_voter', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_poll_voter_cast_mode'), type_='check')
        batch_op.drop_column('cast_mode')

    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_meeting_id'))
        batch_op.drop_constraint(batch_op.f('fk_poll_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_column('meeting_id')

    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_network_max_proxies_not_negative'), type_='check')
        batch_op.drop_column('max_proxies_per_holder')
