"""SQLite as servicedesk uses it: pysqlite with our connection settings and ``BEGIN IMMEDIATE``.

SQLite is set up for several processes sharing one file: WAL (readers never
wait for the writer), foreign keys on, and ``BEGIN IMMEDIATE`` so that a unit
of work takes the write lock when it starts.  Without it, two units of work
could both read and then fail to upgrade to writing, with a ``database is
locked`` error that waiting cannot cure.

SQLite's write lock is not a queue: a waiting connection retries on its own
clock, and the driver's busy handler sleeps up to 100 ms between tries, so a
process that begins again right after it committed takes the lock back before
the waiter looks, batch after batch.  Two rules make the lock change hands: a
unit of work waits for the lock itself, trying again every few milliseconds
(the busy timeout of ``make_engine``), and after a transaction that held the
lock for long (a batch of a bulk command) the same process lets a moment pass
before it begins the next, so that whoever waited gets the lock first.

Why a dialect and not SQLAlchemy's documented ``connect``/``begin`` event
listeners: one engine-level listener makes SQLAlchemy dispatch its events
around every statement of every command.  ``on_connect`` and ``do_begin`` are
the dialect's own places for the same two settings.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

#: The driver name engines are made with (``sqlite+servicedesk://``); users still write pysqlite.
DRIVER = "servicedesk"


#: Between two tries for the write lock: the first wait, and the longest.
FIRST_TRY_AGAIN, LAST_TRY_AGAIN = 0.0005, 0.005
#: A transaction that held the write lock this long is followed by a pause this long.
LONG_HOLD, TURN = 0.02, 0.02


class ServiceDeskSQLite(SQLiteDialect_pysqlite):
    """pysqlite, with WAL, foreign keys and ``BEGIN IMMEDIATE`` on every connection."""

    supports_statement_cache = True  # compiles exactly as pysqlite does
    #: How long a unit of work waits for the write lock, in seconds (``make_engine`` sets it).
    busy_timeout = 30.0
    #: Whether this engine's transactions take the write lock when they begin.
    writes = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._held_since = 0.0  # when this process last took the write lock
        self._turn_until = 0.0  # until then it lets waiting processes take it first

    def on_connect(self) -> Callable[[Any], None]:
        functions = super().on_connect()

        def connect(dbapi_connection: Any) -> None:
            functions(dbapi_connection)
            # Let SQLAlchemy, not pysqlite, decide when transactions begin (do_begin).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.execute("PRAGMA synchronous = NORMAL")
                # deleted and rewritten rows are zeroed, not left in free pages (erasure)
                cursor.execute("PRAGMA secure_delete = ON")
                if self.writes:  # do_begin waits for the write lock in short steps
                    cursor.execute("PRAGMA busy_timeout = 0")
            finally:
                cursor.close()

        return connect

    def do_begin(self, dbapi_connection: Any) -> None:
        turn = self._turn_until - time.monotonic()
        if turn > 0:
            time.sleep(turn)
        deadline = time.monotonic() + self.busy_timeout
        wait = FIRST_TRY_AGAIN
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as error:
                busy = (getattr(error, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
            time.sleep(wait)
            wait = min(2 * wait, LAST_TRY_AGAIN)
        self._held_since = time.monotonic()

    def do_commit(self, dbapi_connection: Any) -> None:
        dbapi_connection.commit()
        self._released()

    def do_rollback(self, dbapi_connection: Any) -> None:
        dbapi_connection.rollback()
        self._released()

    def _released(self) -> None:
        now = time.monotonic()
        if self._held_since and now - self._held_since >= LONG_HOLD:
            self._turn_until = now + TURN
        self._held_since = 0.0


#: The driver name of the engine that only reads (``sqlite+servicedesk_reader://``).
READER = "servicedesk_reader"


class ServiceDeskSQLiteReader(ServiceDeskSQLite):
    """The same settings with a deferred ``BEGIN``: a transaction that only reads never
    takes the write lock, so it never makes a writer wait (WAL lets both run)."""

    supports_statement_cache = True
    writes = False  # the driver's busy timeout covers the rare wait of a read

    def do_begin(self, dbapi_connection: Any) -> None:
        dbapi_connection.execute("BEGIN")


def register() -> None:
    """Let SQLAlchemy find the dialects by the driver names ``make_engine`` gives SQLite URLs."""
    registry.register(f"sqlite.{DRIVER}", __name__, ServiceDeskSQLite.__name__)
    registry.register(f"sqlite.{READER}", __name__, ServiceDeskSQLiteReader.__name__)
