"""The SQL store: units of work over one SQLAlchemy engine.

A unit of work is one database transaction on one connection, taken when it
first touches the database.  Saving an aggregate is an ``INSERT`` (a new id)
or an ``UPDATE ... WHERE id = :id AND version = :seen`` that must hit exactly
one row: zero rows means another transaction saved it first, and the unit of
work fails with ``ConcurrencyConflict`` (the desk retries).  The aggregate's
events go to the event log in the same transaction.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import URL

from servicedesk import convert
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
from servicedesk.adapters.sql.statements import versioned_update
from servicedesk.app import ports
from servicedesk.domain.errors import ConcurrencyConflict, StoreError
from servicedesk.i18n import _

log = logging.getLogger("servicedesk.sql")
Result = sa.CursorResult[*tuple[Any, ...]]


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
    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self._connection: sa.Connection | None = None
        for spec in t.AGGREGATES.values():
            setattr(self, spec.attribute, repository_class(spec)(self, spec))
        self.events = SqlEventLog(self)
        self.idempotency = SqlIdempotencyKeys(self)
        self.audit = SqlAuditLog(self)
        self.personal_data = SqlPersonalData(self)
        self.written: list[ports.Written] = []

    def __getattr__(self, name: str) -> Any:
        """A repository the unit of work port names, but no table was declared for."""
        if name in ports.UnitOfWork.__annotations__:
            raise StoreError(
                _(
                    "The SQL store keeps no {name} yet: declare their table in "
                    "servicedesk/adapters/sql/tables.py."
                ).format(name=name)
            )
        raise AttributeError(name)

    def execute(self, statement: sa.Executable, parameters: Any = None) -> Result:
        """Run one statement in this unit of work's transaction; errors come out typed."""
        try:
            if self._connection is None:
                self._connection = self.store.engine.connect()
                self._connection.begin()
            return self._connection.execute(statement, parameters)
        except (sa.exc.StatementError, sa.exc.TimeoutError) as error:
            raise translate(error, self.store.url) from error

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def _save(
        self, repository: ports.Repository[Any], aggregate: ports.Aggregate, is_new: bool
    ) -> None:
        assert isinstance(repository, SqlRepository)
        table = repository.table
        version = aggregate.version + 1
        values = {
            "version": version,
            "document": convert.unstructure(aggregate),
            **repository.spec.projections(aggregate),
        }
        if is_new:
            self.execute(sa.insert(table), {"id": aggregate.id.value, **values})
        else:
            result = self.execute(
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
            self.execute(sa.delete(child).where(child.c[owner] == aggregate.id.value))
            if child_rows := rows_of(aggregate):
                self.execute(sa.insert(child), child_rows)
        if aggregate.events:
            rows = [
                {
                    "stream": repository.kind,
                    "aggregate_id": aggregate.id.value,
                    "version": version,
                    "type": type(event).__name__,
                    "at": event.at,
                    "document": convert.unstructure(event),
                }
                for event in aggregate.events
            ]
            self.execute(sa.insert(t.events), rows)

    def _commit(self) -> None:
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
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()
