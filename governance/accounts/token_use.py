"""When each API token was last used, written in batches so the vote path sends no extra statement.

The token lookup (auth.user_for_token) reads the token's last use in its one query; a use worth
noting (none yet, or older than API_TOKEN_USE_SECONDS) is kept in this process's memory, and the
notes are written in one UPDATE after a request once that many seconds have passed since the last
write. A process that stops loses at most that window of notes: "last used" is to the minute, not
an audit trail (the audit log is that).
"""

import datetime as dt
import threading
import time

import sqlalchemy as sa
from flask import Flask, current_app

from governance.accounts.models import ApiToken
from governance.extensions import db

EXTENSION = "governance.token_use"


class TokenUseNotes:
    """Token id → when it was used, waiting to be written."""

    def __init__(self) -> None:
        self.pending: dict[int, dt.datetime] = {}
        self.lock = threading.Lock()
        self.written_at = time.monotonic()


def init_token_use(app: Flask) -> None:
    app.extensions[EXTENSION] = notes = TokenUseNotes()

    @app.after_request
    def write_token_use_after_sending(response):
        # Once the answer is sent, not before: a thousand notes take tens of milliseconds to write, and
        # the request that happens to come due (a vote, the close of a poll) should not wait for them.
        if notes.pending and time.monotonic() - notes.written_at >= _interval():
            response.call_on_close(lambda: _write_in_context(app))
        return response


def _write_in_context(app: Flask) -> None:
    with app.app_context():
        write_notes()


def _interval() -> float:
    return float(current_app.config.get("API_TOKEN_USE_SECONDS", 60))


def note_use(token_id: int, last_used_at: dt.datetime | None, now: dt.datetime) -> None:
    """Remember that a token was used now, unless its stored last use is recent enough."""
    if last_used_at is not None and (now - last_used_at).total_seconds() < _interval():
        return
    notes: TokenUseNotes = current_app.extensions[EXTENSION]
    with notes.lock:
        notes.pending[token_id] = now


def write_notes(force: bool = False) -> None:
    """Write the waiting notes in one short transaction of their own, when it is time."""
    notes: TokenUseNotes | None = current_app.extensions.get(EXTENSION)
    if notes is None or not notes.pending:
        return
    with notes.lock:
        if not force and time.monotonic() - notes.written_at < _interval():
            return
        pending, notes.pending = notes.pending, {}
        notes.written_at = time.monotonic()
    # End this context's session first: should a caller have read or written in it, its transaction would
    # hold SQLite's write lock, and this write, on a connection of its own, would wait out the busy timeout.
    db.session.close()
    try:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(ApiToken.__table__)
                .where(ApiToken.__table__.c.id == sa.bindparam("token_id"))
                .values(last_used_at=sa.bindparam("used_at")),
                [{"token_id": token_id, "used_at": used_at} for token_id, used_at in pending.items()],
            )
    except Exception:  # noting a use must never fail a request
        current_app.logger.exception("could not record when %d API tokens were last used", len(pending))
