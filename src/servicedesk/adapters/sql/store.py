"""The SQL store: units of work over one SQLAlchemy engine.

A unit of work is one database transaction on one connection, taken when it
first touches the database.  Saving an aggregate is an ``INSERT`` (a new id)
or an ``UPDATE ... WHERE id = :id AND version = :seen`` that must hit exactly
one row: zero rows means another transaction saved it first, and the unit of
work fails with ``ConcurrencyConflict`` (the desk retries).  The aggregate's
events go to the event log in the same transaction.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL

from servicedesk import convert
from servicedesk.adapters.sql import cursor as direct
from servicedesk.adapters.sql import fixed_statements as statements
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.engine import make_engine, to_url, translate
from servicedesk.adapters.sql.migrate import check_schema, upgrade_engine
from servicedesk.adapters.sql.records import SqlAuditLog, SqlPersonalData
from servicedesk.adapters.sql.repositories import (
    SqlEventLog,
    SqlIdempotencyKeys,
    SqlRepository,
    repository_class,
)
from servicedesk.adapters.sql.fixed_statements import versioned_update
from servicedesk.app import unit_of_work as ports
from servicedesk.app.repository import Aggregate, Repository
from servicedesk.domain.errors import ConcurrencyConflict, StoreError
from servicedesk.i18n import _

log = logging.getLogger("servicedesk.sql")
Result = sa.CursorResult[*tuple[Any, ...]]
R = TypeVar("R")
#: Each aggregate table's place in the declarations: the order units of work save in.
_DECLARED: dict[str, int] = {}


def _place(attribute: str) -> int:
    if attribute not in _DECLARED:  # first use, or a table declared since
        _DECLARED.update({name: place for place, name in enumerate(t.AGGREGATES)})
    return _DECLARED[attribute]


class SqlStore:
    """A store in SQLite, PostgreSQL or MySQL/MariaDB.

    ``SqlStore("desk.db")`` is all an embedded user gives: the file is created
    and its schema brought to the current version.  With ``migrate=False`` a
    database not at the current schema is refused instead (for servers whose
    migrations an operator runs with ``upgrade(url)``).  A database written by
    a newer servicedesk is always refused, never touched.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | URL,
        *,
        migrate: bool = True,
        busy_timeout: float = 30.0,
    ) -> None:
        self.url = to_url(target)
        self.engine = make_engine(self.url, busy_timeout=busy_timeout)
        #: ``direct``'s compiled statements, by statement and the columns it sets.
        self.compiled: dict[tuple[sa.Executable, tuple[str, ...]], direct.Compiled] = {}
        try:
            if migrate:
                upgrade_engine(self.engine)
            else:
                check_schema(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self)

    def close(self) -> None:
        """Close every pooled connection (the store can still be used: it reconnects)."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqlStore({self.url.render_as_string(hide_password=True)!r})"


class SqlUnitOfWork(ports.UnitOfWork):
    """One transaction.  Repositories are made when a command first asks for one.

    A command touches two or three of the twenty-odd kinds; making every
    repository for every unit of work, and looking through all of them at
    commit, was a tenth of a short command's Python time (docs/performance.md).
    """

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self._connection: sa.Connection | None = None
        self._cursor: Any = None
        # whether statements may skip SQLAlchemy's execution (asked once per unit of work)
        self._direct = not direct.listened(store.engine)
        self._opened: list[SqlRepository[Any]] = []
        self._event_rows: list[dict[str, Any]] = []
        self.events = SqlEventLog(self)
        self.idempotency = SqlIdempotencyKeys(self)
        self.audit = SqlAuditLog(self)
        self.personal_data = SqlPersonalData(self)
        self.written: list[ports.Written] = []

    def __getattr__(self, name: str) -> Any:
        """A repository made on first use, or one the port names but no table was declared for."""
        spec = t.AGGREGATES.get(name)
        if spec is not None:
            repository = repository_class(spec)(self, spec)
            setattr(self, name, repository)  # found as an attribute from now on
            self._opened.append(repository)
            self._opened.sort(key=lambda r: _place(r.spec.attribute))
            return repository
        if name in ports.UnitOfWork.__annotations__:
            raise StoreError(
                _(
                    "The SQL store keeps no {name} yet: declare their table in "
                    "servicedesk/adapters/sql/tables.py."
                ).format(name=name)
            )
        raise AttributeError(name)

    def repositories(self) -> tuple[Repository[Any], ...]:
        """Every repository, made now if not yet, in the order the tables are declared."""
        for spec in t.AGGREGATES.values():
            getattr(self, spec.attribute)
        return tuple(self._opened)

    def in_use(self) -> tuple[Repository[Any], ...]:
        """The repositories made so far, in the order the tables are declared."""
        return tuple(self._opened)

    def execute(self, statement: sa.Executable, parameters: Any = None) -> Result:
        """Run one statement in this unit of work's transaction; errors come out typed."""
        try:
            if self._connection is None:
                return self._begin(lambda c: c.execute(statement, parameters))
            return self._connection.execute(statement, parameters)
        except (sa.exc.StatementError, sa.exc.TimeoutError) as error:
            raise translate(error, self.store.url) from error

    def run(
        self, statement: sa.Executable, parameters: dict[str, Any] | list[dict[str, Any]]
    ) -> direct.Rows | Result:
        """Like ``execute``, for a statement built once (``statements.py``): on the cursor.

        ``parameters`` is one row, or a list of rows for an ``INSERT`` of many.
        An engine someone listens to (``before_cursor_execute`` and the like:
        tracing, statement counts in the tests) gets every statement through
        ``execute``, so that the listener sees them all.
        """
        if not self._direct:
            return self.execute(statement, parameters)
        first = parameters[0] if isinstance(parameters, list) else parameters
        key = (statement, tuple(first))
        compiled = self.store.compiled.get(key)
        if compiled is None:
            compiled = direct.compile_for(statement, self.store.engine.dialect, key[1])
            self.store.compiled[key] = compiled
        try:
            if self._connection is None:
                return self._begin(
                    lambda c: direct.run(c, self._cursor_on(c), compiled, parameters)
                )
            connection = self._connection
            return direct.run(connection, self._cursor_on(connection), compiled, parameters)
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
        has happened yet, so it is run again once on a fresh connection: a dropped
        connection is replaced, not reported.  That is what ``pool_pre_ping`` did
        with one more round trip at every checkout, a sixth of a short command's
        round trips on PostgreSQL.
        """
        for attempt in range(2):
            connection = self.store.engine.connect()
            try:
                connection.begin()
                result = first(connection)
            except sa.exc.DBAPIError as error:
                self._cursor = None
                connection.close()
                if attempt == 0 and error.connection_invalidated:
                    log.info("a pooled connection was dropped by the server; reconnecting")
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

    def _save(self, repository: Repository[Any], aggregate: Aggregate, is_new: bool) -> None:
        assert isinstance(repository, SqlRepository)
        table = repository.table
        version = aggregate.version + 1
        values = {
            "version": version,
            "document": convert.unstructure(aggregate),
            **repository.spec.projections(aggregate),
        }
        if is_new:
            self.run(statements.insert(table), {"id": aggregate.id.value, **values})
        else:
            result = self.run(
                versioned_update(table),
                {**values, "saved_id": aggregate.id.value, "saved_version": aggregate.version},
            )
            if result.rowcount != 1:
                raise ConcurrencyConflict(
                    _("The {kind} {id} was changed by someone else; try again.").format(
                        kind=_(repository.label), id=aggregate.id
                    )
                )
        for child, owner, rows_of in repository.spec.children:
            self.run(statements.delete_children(child, owner), {"owner": aggregate.id.value})
            if child_rows := rows_of(aggregate):
                self.run(statements.insert(child), child_rows)
        # the events of every aggregate saved go to the log in one INSERT, in save order
        self._event_rows.extend(
            {
                "stream": repository.kind,
                "aggregate_id": aggregate.id.value,
                "version": version,
                "type": type(event).__name__,
                "at": event.at,
                "document": convert.unstructure(event),
            }
            for event in aggregate.events
        )

    def _commit(self) -> None:
        if self._event_rows:
            rows, self._event_rows = self._event_rows, []
            self.run(statements.insert(t.events), rows)
        if self._connection is None:
            return
        try:
            self._connection.commit()
        except sa.exc.StatementError as error:
            raise translate(error, self.store.url) from error

    def rollback(self) -> None:
        self.written.clear()
        if self._connection is None:
            return
        try:
            self._connection.rollback()
        except sa.exc.DBAPIError:  # the connection died; the server rolled back for us
            log.debug("rollback on a broken connection", exc_info=True)

    def _close(self) -> None:
        if self._cursor is not None:
            cursor, self._cursor = self._cursor, None
            with contextlib.suppress(self.store.engine.dialect.loaded_dbapi.Error):
                cursor.close()  # a dropped connection's cursor: nothing to free
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()
