"""Secret ballots: sealed by a keyed MAC when cast, written afresh in a random order at the close."""

import secrets
from typing import NamedTuple

import sqlalchemy as sa

from governance import keys
from governance.extensions import db
from governance.voting.models import Ballot, Choice

_BALLOT = Ballot.__table__


def _ballot_text(poll_id: int, ballot_id: str, choice: str, receipt: str) -> str:
    return f"ballot\x1f{poll_id}\x1f{ballot_id}\x1f{choice}\x1f{receipt}"


def ballot_mac(poll_id: int, ballot_id: str, choice: str, receipt: str) -> str:
    """HMAC-SHA-256 over what a secret ballot holds: one flipped, moved or added in the database no longer matches.

    The key lives outside the database, so the chain can vouch for a secret ballot without recording its choice.
    """
    return keys.mac(_ballot_text(poll_id, ballot_id, choice, receipt))


def new_ballot_id() -> str:
    return secrets.token_hex(16)


class FreshBallot(NamedTuple):
    """A secret ballot as written afresh at the close (what the close counts and fingerprints)."""

    id: str
    choice: Choice
    receipt: str


def rewrite_secret_ballots(poll_id: int) -> list[FreshBallot]:
    """Write a secret poll's ballots afresh: random order, new random ids and MACs; return them as written.

    Done in the close transaction, after which no row order, rowid, physical order (ctid) or id of a
    ballot follows the order in which the cities voted. The rows are written inside a savepoint, so on
    PostgreSQL they carry a transaction id (xmin) of their own, shared with no voter's row nor any audit
    entry. The receipts stay, so each voter can still find theirs in the record. One read, one pass for
    the ids and MACs, one DELETE and one COPY (PostgreSQL) or executemany INSERT (SQLite), however many ballots.
    """
    connection = db.session.connection()
    read = sa.select(_BALLOT.c.choice, _BALLOT.c.receipt).where(_BALLOT.c.poll_id == poll_id)
    stored = connection.execute(read).all()
    if not stored:
        return []
    ids = secrets.token_hex(16 * len(stored))  # one draw of fresh random ids for them all
    fresh = [FreshBallot(ids[32 * i : 32 * (i + 1)], choice, receipt) for i, (choice, receipt) in enumerate(stored)]
    # Sorted by their fresh random ids: a uniformly random order, unrelated to the order of the votes.
    fresh.sort()
    mac_values = keys.macs(_ballot_text(poll_id, b.id, b.choice.value, b.receipt) for b in fresh)
    if connection.dialect.name == "sqlite":
        # Overwrite the deleted rows' bytes in the file rather than leave them on free pages in voting order.
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
    with db.session.begin_nested():
        savepoint = db.session.connection()  # the session emits SAVEPOINT when its connection is asked for
        savepoint.execute(sa.delete(_BALLOT).where(_BALLOT.c.poll_id == poll_id))
        if connection.dialect.name == "postgresql":
            # COPY: the rows stream in one statement, in the list's (random) order, inside the savepoint.
            with savepoint.connection.driver_connection.cursor() as cursor:
                with cursor.copy("COPY ballot (id, poll_id, city_id, choice, receipt, mac) FROM STDIN") as copy:
                    for b, m in zip(fresh, mac_values, strict=True):
                        copy.write_row((b.id, poll_id, None, b.choice.value, b.receipt, m))
        else:
            # Rows go in in the list's (random) order, as plain tuples: 2,000 parameter sets through the
            # Core insert's type processing cost more than writing them.
            savepoint.exec_driver_sql(
                "INSERT INTO ballot (id, poll_id, city_id, choice, receipt, mac) VALUES (?, ?, NULL, ?, ?, ?)",
                [(b.id, poll_id, b.choice.value, b.receipt, m) for b, m in zip(fresh, mac_values, strict=True)],
            )
    return fresh
