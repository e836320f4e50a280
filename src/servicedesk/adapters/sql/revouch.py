"""Re-vouching at the upgrade: ``revouch_legacy_digests`` in a migration's own transaction.

A revision runs on the connection ``migrate`` opened, inside its transaction; the
re-vouch records are queued and chained through a unit of work on that very
connection, so that they are committed with the rest of the upgrade or not at all.
"""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import URL

from servicedesk.adapters.sql import cursor
from servicedesk.adapters.sql.store import SqlUnitOfWork
from servicedesk.app.revouch import revouch_legacy_digests


@attrs.define
class _Connected:
    """The store a migration's unit of work belongs to: the connection's engine, no schema.

    The connection already searches the schema the tables live in (``migrate``).
    """

    url: URL
    engine: sa.Engine
    schema: str | None = None
    compiled: dict[tuple[sa.Executable, tuple[str, ...]], cursor.Compiled] = attrs.field(
        factory=dict
    )


class _MigrationUnitOfWork(SqlUnitOfWork):
    """A unit of work on a connection it does not own: the migration commits, and closes."""

    def __init__(self, connection: sa.Connection) -> None:
        super().__init__(_Connected(connection.engine.url, connection.engine))  # type: ignore[arg-type]
        self._connection = connection

    def _commit(self) -> None:
        """The upgrade's transaction commits it, with the rest of the revision."""

    def rollback(self) -> None:
        self.written.clear()

    def _close(self) -> None:
        if self._cursor is not None:
            dbapi_cursor, self._cursor = self._cursor, None
            dbapi_cursor.close()
        self._connection = None


def revouch_on(connection: sa.Connection, key: bytes | None = None) -> int:
    """Append the re-vouch records on ``connection``, in its transaction; how many events.

    A trail whose last record is sealed is left alone without ``key``: an unsealed
    record would break it, and only the host holds the key (it calls
    ``revouch_store(store, key=...)`` once upgraded).
    """
    with _MigrationUnitOfWork(connection) as uow:
        last = uow.audit.last()
        if key is None and last is not None and last.seal is not None:
            return 0
        count = revouch_legacy_digests(uow, at=datetime.now(UTC), key=key)
        uow.commit()
    return count
