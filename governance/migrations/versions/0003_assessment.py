"""assessment: the application's assessment frozen when its admission poll opens

Revision ID: 0003_assessment
Revises: 0003_decisions
Create Date: 2026-12-02 07:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003_assessment'
down_revision = '0003_decisions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessment_json', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('assessment_json')
