"""SQL stores: SQLite (embedded, a file), PostgreSQL and MySQL/MariaDB.

``open_store("desk.db")`` or ``open_store("postgresql+psycopg://...")`` gives a
store for ``Desk(store=...)`` whose schema is at the current version;
``upgrade(url)`` migrates a database without opening a store.  See
docs/stores.md for choosing one.
"""

from __future__ import annotations

import os

from sqlalchemy.engine import URL

from servicedesk.adapters.sql.migrate import head, new_revision, upgrade
from servicedesk.adapters.sql.store import AGGREGATES, AggregateKind, SqlStore, SqlUnitOfWork
from servicedesk.adapters.sql.tables import aggregate_table, metadata, project


def open_store(target: str | os.PathLike[str] | URL, *, busy_timeout: float = 30.0) -> SqlStore:
    """A store at ``target`` (a URL or an SQLite file path), created or upgraded to head."""
    return SqlStore(target, migrate=True, busy_timeout=busy_timeout)


create_store = open_store

__all__ = [
    "AGGREGATES",
    "AggregateKind",
    "SqlStore",
    "SqlUnitOfWork",
    "aggregate_table",
    "create_store",
    "head",
    "metadata",
    "new_revision",
    "open_store",
    "project",
    "upgrade",
]
