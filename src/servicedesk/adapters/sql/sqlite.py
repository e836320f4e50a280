"""SQLite as servicedesk uses it: pysqlite with our connection settings and ``BEGIN IMMEDIATE``.

SQLite is set up for several processes sharing one file: WAL (readers never
wait for the writer), foreign keys on, and ``BEGIN IMMEDIATE`` so that a unit
of work takes the write lock when it starts.  Without it, two units of work
could both read and then fail to upgrade to writing, with a ``database is
locked`` error that waiting cannot cure.  The busy timeout is the driver's
``timeout`` argument (``make_engine`` passes it).

Why a dialect and not SQLAlchemy's documented ``connect``/``begin`` event
listeners: one engine-level listener makes SQLAlchemy dispatch its events
around every statement of every command.  ``on_connect`` and ``do_begin`` are
the dialect's own places for the same two settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

#: The driver name engines are made with (``sqlite+servicedesk://``); users still write pysqlite.
DRIVER = "servicedesk"


class ServiceDeskSQLite(SQLiteDialect_pysqlite):
    """pysqlite, with WAL, foreign keys and ``BEGIN IMMEDIATE`` on every connection."""

    supports_statement_cache = True  # compiles exactly as pysqlite does

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
            finally:
                cursor.close()

        return connect

    def do_begin(self, dbapi_connection: Any) -> None:
        dbapi_connection.execute("BEGIN IMMEDIATE")


#: The driver name of the engine that only reads (``sqlite+servicedesk_reader://``).
READER = "servicedesk_reader"


class ServiceDeskSQLiteReader(ServiceDeskSQLite):
    """The same settings with a deferred ``BEGIN``: a transaction that only reads never
    takes the write lock, so it never makes a writer wait (WAL lets both run)."""

    supports_statement_cache = True

    def do_begin(self, dbapi_connection: Any) -> None:
        dbapi_connection.execute("BEGIN")


def register() -> None:
    """Let SQLAlchemy find the dialects by the driver names ``make_engine`` gives SQLite URLs."""
    registry.register(f"sqlite.{DRIVER}", __name__, ServiceDeskSQLite.__name__)
    registry.register(f"sqlite.{READER}", __name__, ServiceDeskSQLiteReader.__name__)
