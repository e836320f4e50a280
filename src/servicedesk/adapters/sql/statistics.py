"""Planner statistics: ``ANALYZE`` after migrations and after the bulk steps' big writes.

A planner that believes a table empty (it was, when the schema was created) or
a tenth of its size (before a month close added 100,000 statements) may pick a
full scan over an index.  The statistics are refreshed where the data changes
the most: after ``upgrade`` (new tables and indexes, rewritten columns) and
after the commit of a month close, a sweep or a purge.  Sampling keeps it cheap
on every database: PostgreSQL and MariaDB sample by design, SQLite is told to
look at a bounded number of rows per index (``analysis_limit``).

A refresh that fails is logged, never raised: the writes it follows are
committed, and a caller told they failed would retry them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import sqlalchemy as sa

from servicedesk.adapters.sql import tables as t

log = logging.getLogger("servicedesk.sql")

#: Rows SQLite reads per index for its statistics: enough for the planner's choice.
SQLITE_ANALYSIS_LIMIT = 1000
#: Rows a bulk step writes to a table before its statistics are refreshed: a month close
#: taken in small batches then refreshes once per batch that changes the table's shape.
BIG_WRITE = 1000


def big_writes(rows: dict[str, int]) -> list[str]:
    """The tables of ``rows`` (rows written per table) written enough to refresh."""
    return sorted(table for table, count in rows.items() if count >= BIG_WRITE)


def our_tables(connection: sa.Connection, schema: str | None = None) -> list[str]:
    """The tables of ours the database has (the host's own tables are not ours to analyse)."""
    present = set(sa.inspect(connection).get_table_names(schema=schema))
    return [table.name for table in t.metadata.sorted_tables if table.name in present]


def statements(dialect: str, tables: Iterable[str]) -> list[str]:
    """The statements that refresh the statistics of ``tables`` on ``dialect``."""
    names = sorted(set(tables))
    if not names:
        return []
    if dialect == "sqlite":
        return [f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}"] + [
            f'ANALYZE "{name}"' for name in names
        ]
    if dialect == "postgresql":
        return ["ANALYZE " + ", ".join(f'"{name}"' for name in names)]
    if dialect in ("mysql", "mariadb"):
        return ["ANALYZE TABLE " + ", ".join(f"`{name}`" for name in names)]
    return []


def refresh(
    connection: sa.Connection, tables: Iterable[str] | None = None, schema: str | None = None
) -> None:
    """Refresh the statistics of ``tables`` (default: all of ours), in a transaction of its own.

    Called with no transaction open on ``connection`` (after a commit); a schema
    of our own is already on the connection's search path.
    """
    try:
        names = our_tables(connection, schema) if tables is None else tables
        for statement in statements(connection.dialect.name, names):
            result = connection.exec_driver_sql(statement)
            if result.returns_rows:  # MariaDB answers ANALYZE TABLE with a row per table
                result.fetchall()
        connection.commit()
    except sa.exc.DBAPIError:
        log.warning("refreshing the planner's statistics failed", exc_info=True)
        connection.rollback()
