"""One database transaction on one connection: what repositories and bulk steps run SQL in.

``SqlTransaction`` takes its connection when it first touches the database and
runs every statement of a unit of work in it, with errors typed.  It knows no
aggregate kind: the unit of work (``store.py``) adds the repositories and the
saving on top of it, so that the repositories, the records ports and the bulk
steps can depend on this module without depending on the unit of work.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL

from servicedesk.adapters.sql import cursor, statistics
from servicedesk.adapters.sql.engine import translate, use_schema
from servicedesk.app.unit_of_work import Written, new_entry

log = logging.getLogger("servicedesk.sql")
#: SQLAlchemy's log of statements: with it at INFO, every statement goes through SQLAlchemy.
_SQL_LOG = logging.getLogger("sqlalchemy.engine.Engine")
Result = sa.CursorResult[*tuple[Any, ...]]
R = TypeVar("R")


class Database(Protocol):
    """What a transaction needs of its store: the engine, and the statements compiled so far."""

    url: URL
    engine: sa.Engine
    #: The PostgreSQL schema our tables live in, or None for the connection's own.
    schema: str | None
    #: ``cursor``'s compiled statements, by statement and the columns it sets.
    compiled: dict[tuple[sa.Executable, tuple[str, ...]], cursor.Compiled]


class SqlTransaction:
    """Statements in one transaction, run through SQLAlchemy or on the DBAPI cursor."""

    def __init__(self, store: Database, engine: sa.Engine | None = None) -> None:
        self.store = store
        self.engine = store.engine if engine is None else engine
        self._connection: sa.Connection | None = None
        self._cursor: Any = None
        # whether statements may skip SQLAlchemy's execution (asked once per transaction):
        # not when someone listens to the engine or reads its log of statements
        self._on_cursor = not cursor.listened(self.engine) and not _SQL_LOG.isEnabledFor(
            logging.INFO
        )
        #: Events a bulk step saved with its own statements (``ports.Written``).
        self.written: list[Written] = []
        #: The mark of every event this transaction writes (``ports.UnitOfWork.entry``).
        self.entry = new_entry()
        #: Whether it anonymised records: on SQLite the commit then empties the WAL.
        self.erased = False
        #: Rows bulk steps wrote, per table: big writes refresh the statistics after commit.
        self.bulk_rows: dict[str, int] = {}

    def wrote_in_bulk(self, rows: int, *tables: str) -> None:
        """Note ``rows`` written by a bulk step to each of ``tables`` (for ``statistics``)."""
        for table in tables:
            self.bulk_rows[table] = self.bulk_rows.get(table, 0) + max(rows, 0)

    def execute(self, statement: sa.Executable, parameters: Any = None) -> Result:
        """Run one statement in this transaction; errors come out typed."""
        try:
            if self._connection is None:
                return self._begin(lambda c: c.execute(statement, parameters))
            return self._connection.execute(statement, parameters)
        except (sa.exc.StatementError, sa.exc.TimeoutError) as error:
            raise translate(error, self.store.url) from error

    def run(
        self, statement: sa.Executable, parameters: dict[str, Any] | list[dict[str, Any]]
    ) -> cursor.Rows | Result:
        """Like ``execute``, for a statement built once (``fixed_statements.py``): on the cursor.

        ``parameters`` is one row, or a list of rows for an ``INSERT`` of many.
        An engine someone listens to (``before_cursor_execute`` and the like:
        tracing, statement counts in the tests) gets every statement through
        ``execute``, so that the listener sees them all.
        """
        if not self._on_cursor:
            return self.execute(statement, parameters)
        first = parameters[0] if isinstance(parameters, list) else parameters
        key = (statement, tuple(first))
        compiled = self.store.compiled.get(key)
        if compiled is None:
            compiled = cursor.compile_for(statement, self.engine.dialect, key[1])
            self.store.compiled[key] = compiled
        try:
            if self._connection is None:
                return self._begin(
                    lambda c: cursor.run(c, self._cursor_on(c), compiled, parameters)
                )
            connection = self._connection
            return cursor.run(connection, self._cursor_on(connection), compiled, parameters)
        except (sa.exc.StatementError, sa.exc.TimeoutError) as error:
            raise translate(error, self.store.url) from error

    def _cursor_on(self, connection: sa.Connection) -> Any:
        """The DBAPI cursor ``run`` uses, made at its first statement (``execute`` needs none)."""
        if self._cursor is None:
            dbapi = connection.connection.dbapi_connection
            self._cursor = dbapi.cursor()  # type: ignore[union-attr]
        return self._cursor

    def _begin(self, first: Callable[[sa.Connection], R]) -> R:
        """Take a connection, begin, and run the transaction's first statement.

        A server connection that died while it sat in the pool (a server restart,
        an idle timeout) fails this first statement; nothing of the transaction
        has happened yet, so it is run again once on a fresh connection, the pool's
        other connections replaced too (a restart drops them all): a dropped
        connection is replaced, not reported, without the round trip of a ping at
        every checkout (``pool_pre_ping``).
        """
        for attempt in range(2):
            connection = self.engine.connect()
            try:
                connection.begin()
                if self.store.schema is not None:
                    use_schema(connection, self.store.schema)
                result = first(connection)
            except sa.exc.DBAPIError as error:
                self._cursor = None
                connection.close()
                if attempt == 0 and error.connection_invalidated:
                    # A restart drops every pooled connection at once: all are replaced.
                    log.info("a pooled connection was dropped by the server; reconnecting")
                    self.engine.dispose()
                    continue
                raise
            except BaseException:
                self._cursor = None
                connection.close()
                raise
            self._connection = connection
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def _commit_connection(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.commit()
        except sa.exc.StatementError as error:
            raise translate(error, self.store.url) from error
        if self.erased and self.engine.dialect.name == "sqlite":
            checkpoint(self._connection)
        rows, self.bulk_rows = self.bulk_rows, {}
        if big := statistics.big_writes(rows):
            statistics.refresh(self._connection, big)

    def rollback(self) -> None:
        self.written.clear()
        self.bulk_rows.clear()
        self.__dict__.pop("_subject_keys", None)  # keys made in it were never kept
        if self._connection is None:
            return
        try:
            self._connection.rollback()
        except sa.exc.DBAPIError:  # the connection died; the server rolled back for us
            log.debug("rollback on a broken connection", exc_info=True)

    def _close(self) -> None:
        if self._cursor is not None:
            dbapi_cursor, self._cursor = self._cursor, None
            with contextlib.suppress(self.engine.dialect.loaded_dbapi.Error):
                dbapi_cursor.close()  # a dropped connection's cursor: nothing to free
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()


def checkpoint(connection: sa.Connection) -> None:
    """Copy the WAL into the file and truncate it, so erased data is in neither.

    The file's freed pages are already zeroed (``secure_delete``, set on every
    connection); the WAL would otherwise keep the old pages until a later
    checkpoint.  Run on the DBAPI connection, outside any transaction; a reader
    still holding an old snapshot makes it partial, and the next erasure's
    checkpoint (or SQLite's own) finishes it.
    """
    dbapi_connection: Any = connection.connection.dbapi_connection
    dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
