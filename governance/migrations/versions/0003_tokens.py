"""tokens: API tokens expire and record when they were last used

Revision ID: 0003_tokens
Revises: 0003_assessment
Create Date: 2026-12-02 07:50:00

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003_tokens'
down_revision = '0003_assessment'
branch_labels = None
depends_on = None

# Tokens issued before this revision never expired; they now end 30 days after they were made
# (the default of API_TOKEN_DAYS), so a forgotten old token does not live on.
EXISTING_TOKEN_DAYS = 30


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(), nullable=True))

    api_token = sa.table('api_token', sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime),
                         sa.column('expires_at', sa.DateTime))
    connection = op.get_bind()
    rows = connection.execute(sa.select(api_token.c.id, api_token.c.created_at)).all()
    for token_id, created_at in rows:
        connection.execute(
            api_token.update().where(api_token.c.id == token_id)
            .values(expires_at=created_at + dt.timedelta(days=EXISTING_TOKEN_DAYS))
        )

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')
