"""Test databases: one private database per xdist worker on each server.

The servers are named by ``SERVICEDESK_TEST_POSTGRES_URL`` and
``SERVICEDESK_TEST_MARIADB_URL`` (``.ci/run`` exports both).  Without the
variable or without a reachable server the tests of that store are skipped
with the reason, except under ``CI=true``, where a store that cannot be
tested is a failure: CI must never pass by skipping the databases.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from servicedesk.adapters.sql import SqlStore, metadata, upgrade

SERVERS = {
    "postgresql": "SERVICEDESK_TEST_POSTGRES_URL",
    "mariadb": "SERVICEDESK_TEST_MARIADB_URL",
}
SQL_STORES = ("sqlite", "postgresql", "mariadb")


def unavailable(reason: str) -> None:
    """Skip, or fail under CI, where every store must be tested."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true, and {reason}", pytrace=False)
    pytest.skip(reason)


def server_url(backend: str) -> URL:
    """The admin URL of the server, checked to answer."""
    variable = SERVERS[backend]
    value = os.environ.get(variable)
    if not value:
        unavailable(f"{variable} is not set, so the {backend} store is not tested")
    assert value is not None
    url = sa.make_url(value)
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except sa.exc.DBAPIError as error:
        unavailable(f"the {backend} server at {url.render_as_string()} does not answer: {error}")
    finally:
        engine.dispose()
    return url


def worker_name(suffix: str = "") -> str:
    """Unique per test process: two checkouts testing at once never share a database."""
    return f"sd_{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}_{os.getpid()}{suffix}"


def _admin(url: URL) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def create_database(backend: str, name: str) -> URL:
    """A fresh, empty database ``name`` on the server; returns its URL."""
    url = server_url(backend)
    admin = _admin(url)
    with admin.connect() as connection:
        drop(connection, backend, name)
        if backend == "postgresql":
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        else:
            connection.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    admin.dispose()
    return url.set(database=name)


def drop(connection: sa.Connection, backend: str, name: str) -> None:
    if backend == "postgresql":
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:  # a test that leaked a connection fails here instead of hanging
        connection.exec_driver_sql("SET SESSION lock_wait_timeout = 10")
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")


def drop_database(backend: str, url: URL) -> None:
    admin = _admin(server_url(backend))
    with admin.connect() as connection:
        drop(connection, backend, str(url.database))
    admin.dispose()


def wipe(store: SqlStore) -> None:
    """Empty every table, so the next test starts from an empty store."""
    with store.engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


class Databases:
    """Per-worker databases, made on first use and dropped at the end of the session."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.made: dict[str, URL] = {}

    def url(self, backend: str) -> URL:
        """A database at the newest schema for ``backend`` (sqlite: a file)."""
        if backend not in self.made:
            if backend == "sqlite":
                url = URL.create("sqlite+pysqlite", database=str(self.tmp / "contract.db"))
            else:
                url = create_database(backend, worker_name())
            upgrade(url)
            self.made[backend] = url
        return self.made[backend]

    def drop_all(self) -> None:
        for backend, url in self.made.items():
            if backend != "sqlite":
                drop_database(backend, url)


@contextmanager
def scratch(backend: str, suffix: str, tmp: Path) -> Iterator[URL]:
    """An empty database for one test, dropped afterwards."""
    if backend == "sqlite":
        yield URL.create("sqlite+pysqlite", database=str(tmp / f"{suffix}.db"))
        return
    url = create_database(backend, worker_name(f"_{suffix}"))
    try:
        yield url
    finally:
        drop_database(backend, url)
