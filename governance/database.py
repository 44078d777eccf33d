"""Database engine settings: SQLite pragmas and locking, PostgreSQL row locks."""

import sqlalchemy as sa
from flask import Flask

from governance.extensions import db, sqlite_deferred

# An execution option for a connection of its own that reads one statement outside any transaction (SQLite).
IMPLICIT_READ = "governance_implicit_read"


def is_sqlite() -> bool:
    """True when the app runs on SQLite, where row locks do not exist."""
    return db.engine.dialect.name == "sqlite"


def engine_options(config) -> None:
    """No ping before each checkout on SQLite: a database file has no server that could drop the connection."""
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False}


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
            # Sent on the driver's connection itself: through exec_driver_sql a BEGIN costs as much as a query.
            connection.connection.driver_connection.execute("BEGIN" if sqlite_deferred.get() else "BEGIN IMMEDIATE")


def lock_for_share(stmt: sa.Select) -> sa.Select:
    """Lock the selected rows against change until commit (PostgreSQL: FOR SHARE)."""
    return stmt if is_sqlite() else stmt.with_for_update(read=True)


def lock_for_update(stmt: sa.Select) -> sa.Select:
    """Lock the selected rows for this transaction (PostgreSQL: FOR UPDATE)."""
    return stmt if is_sqlite() else stmt.with_for_update()
