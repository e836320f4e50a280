"""What a driver throws reaches the user as a typed error that says what to do."""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_databases import Databases, server_url, wipe
from contract_scenario import desk

from servicedesk import RegisterWorker
from servicedesk.adapters.sql import SqlStore
from servicedesk.app import unit_of_work as ports
from servicedesk.app.unit_of_work import UnitOfWork
from servicedesk.domain.errors import (
    ConcurrencyConflict,
    ServiceDeskError,
    StoreBusy,
    StoreConfigurationError,
    StoreError,
    StoreUnavailable,
)
from servicedesk.domain.values import WorkerId


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("oracle://scott@db/orcl", "not oracle"),
        ("postgresql+psycopg2://u@h/db", "psycopg driver"),
        ("mysql+mysqldb://u@h/db", "pymysql driver"),
        ("postgresql://u@h:notaport/db", "not a database URL"),
        ("sqlite://", "MemoryStore"),
        ("", "Name a database file"),
    ],
)
def test_a_bad_url_is_a_configuration_error(target: str, says: str) -> None:
    with pytest.raises(StoreConfigurationError, match=says):
        SqlStore(target)


def test_a_missing_driver_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pymysql", None)  # import pymysql now fails
    with pytest.raises(StoreConfigurationError, match=r"pip install 'servicedesk\[mysql\]'"):
        SqlStore("mysql+pymysql://root@127.0.0.1:3306/test")


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://postgres@127.0.0.1:1/test", "mysql+pymysql://root@127.0.0.1:1/test"],
)
def test_an_unreachable_server_is_unavailable_and_hides_the_password(url: str) -> None:
    with pytest.raises(StoreUnavailable, match="is the server running") as raised:
        SqlStore(url.replace("@", ":secret@"))
    assert "secret" not in str(raised.value)


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_a_missing_database_on_a_live_server_is_unavailable(backend: str) -> None:
    url = server_url(backend).set(database="sd_no_such_database")
    with pytest.raises(StoreUnavailable, match="sd_no_such_database"):
        SqlStore(url)


def test_a_file_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="cannot be opened"):
        SqlStore(tmp_path / "no" / "such" / "dir" / "desk.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not an SQLite database, not at all" * 100)
    with pytest.raises(StoreUnavailable, match="not an SQLite database"):
        SqlStore(junk)


def test_a_busy_sqlite_file_is_retried_then_reported_typed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "busy.db"
    store = SqlStore(path, busy_timeout=0.05)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing, and keeps at it
    d = desk(store)
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="servicedesk"), pytest.raises(StoreBusy) as raised:
        d.handle(RegisterWorker(worker_id="w-1", name="Sun", skills={"plumbing"}))
    assert isinstance(raised.value, ConcurrencyConflict)  # so the desk retried it
    assert isinstance(raised.value, ServiceDeskError)
    assert sum("retrying" in r.message for r in caplog.records) == d.retries
    assert time.monotonic() - started < 5
    assert d.queries.catalogue() == []  # a read never waits for the writer: it begins deferred
    holder.execute("ROLLBACK")
    holder.close()
    assert d.handle(RegisterWorker(worker_id="w-1", name="Sun", skills={"plumbing"})).id == "w-1"
    store.close()


def test_a_repository_without_a_declared_table_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    annotations = {**UnitOfWork.__annotations__, "gadgets": "GadgetRepository"}
    monkeypatch.setattr(UnitOfWork, "__annotations__", annotations)
    store = SqlStore(tmp_path / "desk.db")
    with store.unit_of_work() as uow, pytest.raises(StoreError, match="keeps no gadgets yet"):
        uow.gadgets  # noqa: B018 - the access is what is tested
    with store.unit_of_work() as uow, pytest.raises(AttributeError):
        uow.no_such_thing  # noqa: B018
    store.close()


def test_a_query_no_sql_repository_answers_yet_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class TeleportQueries:
        def list_due_for_teleport(self) -> list[object]:
            return []

    monkeypatch.setattr(ports, "TeleportQueries", TeleportQueries, raising=False)
    store = SqlStore(tmp_path / "desk.db")
    with store.unit_of_work() as uow, pytest.raises(StoreError, match="list_due_for_teleport"):
        uow.requests.list_due_for_teleport()
    with store.unit_of_work() as uow, pytest.raises(AttributeError):
        uow.requests.no_such_query()
    store.close()


KILL = {
    "postgresql": ("SELECT pg_backend_pid()", "SELECT pg_terminate_backend({pid})"),
    "mariadb": ("SELECT CONNECTION_ID()", "KILL {pid}"),
}


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_a_pooled_connection_the_server_dropped_is_replaced_not_reported(
    backend: str, databases: Databases, caplog: pytest.LogCaptureFixture
) -> None:
    """The server ends the connection while it sits in the pool (a restart, an idle timeout).

    The next unit of work's first statement finds it dead and runs again on a new
    connection; the command succeeds, as ``pool_pre_ping`` made it succeed before.
    """
    store = SqlStore(databases.url(backend), migrate=False)
    d = desk(store)
    whose, kill = KILL[backend]
    with store.unit_of_work() as uow:
        pid = uow.execute(sa.text(whose)).scalar_one()
    admin = sa.create_engine(databases.url(backend), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(kill.format(pid=int(pid))))
    admin.dispose()
    with caplog.at_level(logging.INFO, logger="servicedesk"):
        assert d.handle(RegisterWorker(worker_id="w-9", name="Sun", skills={"plumbing"})).id
    assert any("reconnecting" in r.message for r in caplog.records)
    with store.unit_of_work() as uow:
        assert uow.workers.get(WorkerId("w-9")).name == "Sun"
    wipe(store)
    store.close()


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_a_pool_whose_connections_all_died_is_replaced_at_the_next_command(
    backend: str, databases: Databases
) -> None:
    """A server restart ends every pooled connection; the commands after it all succeed."""
    store = SqlStore(databases.url(backend), migrate=False)
    d = desk(store)
    whose, kill = KILL[backend]
    units = [store.unit_of_work() for _ in range(3)]  # three connections out of the pool at once
    pids = []
    for uow in units:
        uow.__enter__()
        pids.append(uow.execute(sa.text(whose)).scalar_one())
    for uow in units:
        uow.__exit__(None, None, None)
    admin = sa.create_engine(databases.url(backend), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for pid in pids:
            connection.execute(sa.text(kill.format(pid=int(pid))))
    admin.dispose()
    for n in range(4):
        assert d.handle(RegisterWorker(worker_id=f"w-{n}", name="Sun", skills={"plumbing"})).id
    wipe(store)
    store.close()
