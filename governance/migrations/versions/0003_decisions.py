"""decisions: the big screen's link version per meeting, and the decision list put up for adoption

Revision ID: 0003_decisions
Revises: 0003_meeting_room
Create Date: 2026-12-02 07:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003_decisions'
down_revision = '0003_meeting_room'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_screen',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('link_version', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('link_version >= 1', name=op.f('ck_meeting_screen_link_version_positive')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_screen_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user.id'], name=op.f('fk_meeting_screen_revoked_by_id_user')),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_meeting_screen'))
    )
    op.create_table('decision_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('items_json', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('adopting_meeting_id', sa.Integer(), nullable=False),
    sa.Column('document_version_id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['adopting_meeting_id'], ['meeting.id'], name=op.f('fk_decision_list_adopting_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['document_version_id'], ['document_version.id'], name=op.f('fk_decision_list_document_version_id_document_version')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_decision_list_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], name=op.f('fk_decision_list_poll_id_poll')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_decision_list_proposed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_list')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_decision_list_meeting_id'))
    )


def downgrade():
    op.drop_table('decision_list')
    op.drop_table('meeting_screen')
