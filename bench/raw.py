"""The baseline: the same database work with the driver alone (sqlite3 or psycopg, plain SQL)."""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol

import sqlalchemy as sa


class Connection(Protocol):
    def cursor(self) -> Any: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...


class Raw:
    """A DB-API connection that takes ``%s`` placeholders on either driver."""

    def __init__(self, url: str) -> None:
        parsed = sa.make_url(url)
        self.sqlite = parsed.get_backend_name() == "sqlite"
        self.connection: Connection
        if self.sqlite:
            connection = sqlite3.connect(parsed.database or "", isolation_level=None)
            # the library's settings, so neither side gets cheaper durability
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.isolation_level = "DEFERRED"
            self.connection = connection
        else:
            import psycopg

            self.connection = psycopg.connect(
                parsed.set(drivername="postgresql").render_as_string(hide_password=False)
            )

    def sql(self, statement: str) -> str:
        return statement.replace("%s", "?") if self.sqlite else statement

    def execute(self, statement: str, parameters: Any = ()) -> Any:
        cursor = self.connection.cursor()
        cursor.execute(self.sql(statement), parameters)
        return cursor

    def create(self, *statements: str) -> None:
        """Run each statement (tables, indexes, their first rows), then commit."""
        for statement in statements:
            self.execute(statement)
        self.commit()

    def executemany(self, statement: str, rows: list[Any]) -> None:
        self.connection.cursor().executemany(self.sql(statement), rows)

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()
