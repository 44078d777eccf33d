"""SQLite's writers queue on a lock file: the next begins when the last ends, and nobody waits for themselves."""

import sqlite3
import threading
import time

import pytest

from governance.database import QueuedWriterConnection


def connect(path, busy_ms=5000) -> QueuedWriterConnection:
    connection = sqlite3.connect(path, factory=QueuedWriterConnection, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout={busy_ms}")
    return connection


def begin(connection: QueuedWriterConnection) -> None:
    connection.queue_for_writing()
    try:
        connection.execute("BEGIN IMMEDIATE")
    except BaseException:
        connection.leave_queue()
        raise


@pytest.fixture
def database(tmp_path):
    path = str(tmp_path / "queue.sqlite")
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE log (who TEXT)")
    setup.close()
    return path


def test_the_second_writer_begins_after_the_first_ends(database):
    """It waits on the queue, not in SQLite's busy handler: with a busy timeout of 50 ms it still gets in."""
    first, second = connect(database), connect(database, busy_ms=50)
    begin(first)
    first.execute("INSERT INTO log VALUES ('first')")
    events = []

    def write_second():
        begin(second)
        events.append("second began")
        second.execute("INSERT INTO log VALUES ('second')")
        second.commit()

    thread = threading.Thread(target=write_second)
    thread.start()
    time.sleep(0.3)  # longer than the second's busy timeout: queued meanwhile, it must not have begun
    events.append("first commits")
    first.commit()
    thread.join(10)
    assert not thread.is_alive()
    assert events == ["first commits", "second began"]
    assert [row[0] for row in first.execute("SELECT who FROM log")] == ["first", "second"]


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_every_way_a_transaction_ends_frees_the_queue(database, end):
    first, second = connect(database), connect(database)
    begin(first)
    getattr(first, end)()
    done = threading.Event()
    thread = threading.Thread(target=lambda: (begin(second), second.commit(), done.set()))
    thread.start()
    thread.join(10)
    assert done.is_set()


def test_a_thread_never_waits_for_its_own_other_connection(database):
    """SQLite's busy timeout decides (as without the queue): an error after it, not a hang."""
    first, second = connect(database), connect(database, busy_ms=100)
    begin(first)
    outcome = []

    def second_in_same_thread():
        try:
            begin(second)
        except sqlite3.OperationalError as error:
            outcome.append(str(error))

    # The same thread as `first`: run it here, with a watchdog against a hang.
    watchdog = threading.Timer(10, lambda: outcome.append("hung"))
    watchdog.start()
    second_in_same_thread()
    watchdog.cancel()
    assert outcome == ["database is locked"]
    first.commit()
    begin(second)  # the queue is free again for it
    second.commit()


def test_a_failed_begin_leaves_the_queue(database):
    holder = sqlite3.connect(database, isolation_level=None)  # a writer that does not queue (another program)
    holder.execute("BEGIN IMMEDIATE")
    queued = connect(database, busy_ms=50)
    with pytest.raises(sqlite3.OperationalError):
        begin(queued)
    holder.commit()
    other = connect(database)
    done = threading.Event()
    thread = threading.Thread(target=lambda: (begin(other), other.commit(), done.set()))
    thread.start()
    thread.join(10)
    assert done.is_set()


def test_a_database_in_memory_has_no_queue():
    connection = connect(":memory:")
    begin(connection)
    connection.commit()


def test_the_app_engine_uses_the_queue(app):
    from governance.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the writers' queue is SQLite's")
        with db.engine.connect() as connection:
            assert isinstance(connection.connection.driver_connection, QueuedWriterConnection)
