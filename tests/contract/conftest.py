"""The store contract runs against every store: memory, SQLite, PostgreSQL, MariaDB."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from contract_databases import Databases, wipe

from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.unit_of_work import Store

STORES = ("memory", "sqlite", "postgresql", "mariadb")


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    found = Databases(tmp_path_factory.mktemp("stores"))
    yield found
    found.drop_all()


def open_store(kind: str, databases: Databases) -> Store:
    if kind == "memory":
        return MemoryStore()
    return SqlStore(databases.url(kind), migrate=False)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Store]:
    opened = open_store(request.param, databases)
    yield opened
    if isinstance(opened, SqlStore):
        wipe(opened)
        opened.close()


@pytest.fixture(params=("sqlite", "postgresql", "mariadb"))
def sql_store(request: pytest.FixtureRequest, databases: Databases) -> Iterator[SqlStore]:
    opened = SqlStore(databases.url(request.param), migrate=False)
    yield opened
    wipe(opened)
    opened.close()
