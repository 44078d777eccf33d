"""membership: the database refuses two periods of one city that share a day

Revision ID: 0004_membership_overlap
Revises: 0003_tokens
Create Date: 2026-12-02 13:30:00.000000

add_membership refuses an overlap first with a sentence; this is the floor under it, for any other writer.
A period is [joined_on, left_on): NULL joined_on is before the records start, NULL left_on a member still.
PostgreSQL: an exclusion constraint over daterange (btree_gist gives the = on city_id).
SQLite: triggers that abort the INSERT or UPDATE. A later batch_alter_table on membership recreates the table
on SQLite and drops these triggers: such a migration must create them again (see _SQLITE_TRIGGERS).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004_membership_overlap'
down_revision = '0003_tokens'
branch_labels = None
depends_on = None

# The same overlap rule as governance.network.periods.periods_overlap, with NULL as the open end.
_OVERLAP = (
    "m.city_id = NEW.city_id"
    " AND (NEW.joined_on IS NULL OR m.left_on IS NULL OR NEW.joined_on < m.left_on)"
    " AND (m.joined_on IS NULL OR NEW.left_on IS NULL OR m.joined_on < NEW.left_on)"
)
_SQLITE_TRIGGERS = {
    'membership_no_overlap_insert': (
        "CREATE TRIGGER membership_no_overlap_insert BEFORE INSERT ON membership "
        f"WHEN EXISTS (SELECT 1 FROM membership m WHERE {_OVERLAP}) "
        "BEGIN SELECT RAISE(ABORT, 'membership_no_overlap: the periods of one city overlap'); END"
    ),
    'membership_no_overlap_update': (
        "CREATE TRIGGER membership_no_overlap_update BEFORE UPDATE OF city_id, joined_on, left_on ON membership "
        f"WHEN EXISTS (SELECT 1 FROM membership m WHERE m.id != NEW.id AND {_OVERLAP}) "
        "BEGIN SELECT RAISE(ABORT, 'membership_no_overlap: the periods of one city overlap'); END"
    ),
}


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        # btree_gist is a trusted extension (PostgreSQL 13+): the database's owner may create it.
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
        op.execute(
            "ALTER TABLE membership ADD CONSTRAINT membership_no_overlap "
            "EXCLUDE USING gist (city_id WITH =, daterange(joined_on, left_on, '[)') WITH &&)"
        )
    elif dialect == 'sqlite':
        for sql in _SQLITE_TRIGGERS.values():
            op.execute(sql)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute('ALTER TABLE membership DROP CONSTRAINT IF EXISTS membership_no_overlap')
    elif dialect == 'sqlite':
        for name in _SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
