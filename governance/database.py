"""Database engine settings: SQLite pragmas and locking, PostgreSQL row locks."""

import fcntl
import os
import sqlite3
import threading
from typing import Optional

import sqlalchemy as sa
from flask import Flask

from governance.extensions import db, sqlite_deferred

# An execution option for a connection of its own that reads one statement outside any transaction (SQLite).
IMPLICIT_READ = "governance_implicit_read"


def is_sqlite() -> bool:
    """True when the app runs on SQLite, where row locks do not exist."""
    return db.engine.dialect.name == "sqlite"


# Which thread of this process holds each writers' queue (by its file): a thread that writes on a second
# connection while its first still holds the queue must not wait for itself.
_queue_holders: dict[str, int] = {}
_queue_holders_lock = threading.Lock()


class QueuedWriterConnection(sqlite3.Connection):
    """A SQLite connection whose writers queue on a lock file beside the database, so the next starts as the last ends.

    SQLite's own busy handler sleeps 1, 2, 5, 10 ms and more between tries: with two workers taking votes, a
    quarter to a third of the BEGIN IMMEDIATEs waited a millisecond or more for a lock freed long before. A
    writer here waits on the file instead (flock), and the kernel wakes it the moment the one before it
    commits or rolls back, as a row lock does on PostgreSQL. The file only orders the writers: SQLite's lock
    still keeps them apart, and decides alone for a thread that already holds the queue on another connection.
    """

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        name = os.fspath(database) if isinstance(database, (str, os.PathLike)) else ""
        in_memory = name in ("", ":memory:") or name.startswith("file:")
        self._queue_path: Optional[str] = None if in_memory else os.path.abspath(f"{name}-writers")
        self._queue_file = None  # opened on the first write; closing it (or the process ending) frees the queue
        self._queued = False

    def queue_for_writing(self) -> None:
        """Wait for the writers before this one, then hold the queue until this transaction ends."""
        if self._queue_path is None or self._queued:
            return
        me = threading.get_ident()
        with _queue_holders_lock:
            if _queue_holders.get(self._queue_path) == me:
                return
        if self._queue_file is None:
            self._queue_file = open(self._queue_path, "ab")  # noqa: SIM115 -- held open with the connection
        fcntl.flock(self._queue_file, fcntl.LOCK_EX)
        with _queue_holders_lock:
            _queue_holders[self._queue_path] = me
        self._queued = True

    def leave_queue(self) -> None:
        """Let the next writer go (after commit or rollback, or when BEGIN failed)."""
        if self._queued:
            self._queued = False
            with _queue_holders_lock:
                _queue_holders.pop(self._queue_path, None)
            fcntl.flock(self._queue_file, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_queue()
            if self._queue_file is not None:
                self._queue_file.close()
                self._queue_file = None


def engine_options(config) -> None:
    """SQLite: writers queue (QueuedWriterConnection), and no ping before each checkout (a file drops no connection)."""
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = {"factory": QueuedWriterConnection, **(options.get("connect_args") or {})}
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False, "connect_args": connect_args}


def configure_engine(app: Flask) -> None:
    """Install the SQLite pragmas and the BEGIN IMMEDIATE hook on the app's engine."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return

        @sa.event.listens_for(engine, "connect")
        def on_connect(dbapi_connection, _record):
            # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(app.config['SQLITE_BUSY_TIMEOUT_MS'])}")
            if not str(engine.url.database or "").startswith(":memory:") and engine.url.database:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def on_begin(connection):
            if connection.get_execution_options().get(IMPLICIT_READ):
                return  # one read in SQLite's own implicit transaction: no BEGIN, nothing to roll back
            driver = connection.connection.driver_connection
            if sqlite_deferred.get():
                driver.execute("BEGIN")  # on the driver itself: through exec_driver_sql it costs as much as a query
                return
            if not isinstance(driver, QueuedWriterConnection):
                driver.execute("BEGIN IMMEDIATE")
                return
            driver.queue_for_writing()
            try:
                driver.execute("BEGIN IMMEDIATE")
            except BaseException:
                driver.leave_queue()
                raise


def lock_for_share(stmt: sa.Select) -> sa.Select:
    """Lock the selected rows against change until commit (PostgreSQL: FOR SHARE)."""
    return stmt if is_sqlite() else stmt.with_for_update(read=True)


def lock_for_update(stmt: sa.Select) -> sa.Select:
    """Lock the selected rows for this transaction (PostgreSQL: FOR UPDATE)."""
    return stmt if is_sqlite() else stmt.with_for_update()
