"""Database engine settings: SQLite pragmas and locking, PostgreSQL row locks."""

import sqlalchemy as sa
from flask import Flask

from governance.extensions import db, sqlite_deferred


def is_sqlite() -> bool:
    """True when the app runs on SQLite, where row locks do not exist."""
    return db.engine.dialect.name == "sqlite"


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
            connection.exec_driver_sql("BEGIN" if sqlite_deferred.get() else "BEGIN IMMEDIATE")


def lock_for_share(stmt: sa.Select) -> sa.Select:
    """Lock the selected rows against change until commit (PostgreSQL: FOR SHARE)."""
    return stmt if is_sqlite() else stmt.with_for_update(read=True)


def lock_for_update(stmt: sa.Select) -> sa.Select:
    """Lock the selected rows for this transaction (PostgreSQL: FOR UPDATE)."""
    return stmt if is_sqlite() else stmt.with_for_update()
